"""A deterministic, plausible demo inventory: dealers in real US cities and vehicles they sell.

Everything is drawn from one `random.Random(seed)`, so a seed always gives the same inventory.
Vehicles are real catalogue models in model years they were sold, with prices depreciated from
the base price new, mileages that fit their age, and VINs that pass the check-digit test with a
real manufacturer prefix (WMI) and the right model-year character.

`trex demo-stock --out FILE` writes one as JSON.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass

from vehicles.catalogue import FEATURES, MAKES, ModelSpec, model_spec
from vehicles.models import Dealer, Vehicle
from workflows.checks import vin_check_digit

FIRST_MODEL_YEAR = 2012
LAST_MODEL_YEAR = 2026
# The inventory's "today" (late 2026): fixed, so that a seed gives the same output in any year.
REFERENCE_YEAR = 2026.9
CARPLAY_YEAR = 2017  # widely fitted from this model year on
THIRD_ROW_SEATS = 7
MANUAL_ODDS = 0.25  # of a gasoline car whose model offered a manual gearbox

_CITIES: tuple[tuple[str, str, str], ...] = (
    ("New York", "NY", "10001"), ("Los Angeles", "CA", "90012"), ("Chicago", "IL", "60601"),
    ("Houston", "TX", "77002"), ("Phoenix", "AZ", "85004"), ("Philadelphia", "PA", "19103"),
    ("San Antonio", "TX", "78205"), ("San Diego", "CA", "92101"), ("Dallas", "TX", "75201"),
    ("Austin", "TX", "78701"), ("Jacksonville", "FL", "32202"), ("Columbus", "OH", "43215"),
    ("Charlotte", "NC", "28202"), ("Indianapolis", "IN", "46204"), ("Seattle", "WA", "98101"),
    ("Denver", "CO", "80202"), ("Nashville", "TN", "37203"), ("Portland", "OR", "97204"),
    ("Las Vegas", "NV", "89101"), ("Detroit", "MI", "48226"), ("Atlanta", "GA", "30303"),
    ("Miami", "FL", "33130"), ("Minneapolis", "MN", "55401"), ("Kansas City", "MO", "64105"),
    ("Salt Lake City", "UT", "84101"), ("Boston", "MA", "02108"), ("Raleigh", "NC", "27601"),
    ("Omaha", "NE", "68102"), ("Albuquerque", "NM", "87102"), ("Tampa", "FL", "33602"),
    ("Sacramento", "CA", "95814"), ("Pittsburgh", "PA", "15222"), ("New Orleans", "LA", "70112"),
    ("Oklahoma City", "OK", "73102"), ("Milwaukee", "WI", "53202"), ("Baltimore", "MD", "21202"),
)  # fmt: skip
_NAME_STEMS = (
    "Lakeside", "Summit", "Liberty", "Heritage", "Crossroads", "Pioneer", "Riverside", "Gateway",
    "Keystone", "Capital", "Metro", "Bayview", "Evergreen", "Frontier", "Patriot", "Sunbelt",
    "Harbor", "Prairie", "Canyon", "Cornerstone", "Northgate", "Westside", "Parkway", "Highland",
)  # fmt: skip
_NAME_SUFFIXES = ("Motors", "Auto Group", "Auto Sales", "Automotive", "Car Company", "Auto Mall")

# Real WMIs of each make (vininfo maps every one of them back to the make).
_WMI: dict[str, tuple[str, ...]] = {
    "Toyota": ("4T1", "5TD", "2T1", "JTD", "JTM"), "Honda": ("1HG", "2HG", "5FN", "5J6", "19X"),
    "Ford": ("1FA", "1FM", "1FT", "3FA"), "Chevrolet": ("1G1", "1GC", "1GN", "2G1", "3GN"),
    "Nissan": ("1N4", "1N6", "3N1", "5N1", "JN8"), "Hyundai": ("5NP", "5NM", "KM8"),
    "Kia": ("5XY", "5XX", "KNA", "KND", "3KP"), "Subaru": ("4S3", "4S4", "JF1", "JF2"),
    "Mazda": ("JM1", "JM3", "3MZ"), "Volkswagen": ("1VW", "3VW", "WVW", "WVG"),
    "BMW": ("WBA", "5UX", "WBS"), "Mercedes-Benz": ("W1K", "W1N", "4JG", "55S"),
    "Audi": ("WAU", "WA1"), "Tesla": ("5YJ", "7SA"), "Jeep": ("1J4", "1J8"),
    "Ram": ("1C6", "3C6", "3C7"),
}  # fmt: skip
_MAKE_WEIGHTS: dict[str, int] = {
    "Toyota": 14, "Honda": 11, "Ford": 14, "Chevrolet": 13, "Nissan": 8, "Hyundai": 7, "Kia": 7,
    "Subaru": 5, "Mazda": 4, "Volkswagen": 4, "BMW": 4, "Mercedes-Benz": 4, "Audi": 3,
    "Tesla": 4, "Jeep": 6, "Ram": 6,
}  # fmt: skip
_LUXURY_MAKES = frozenset({"BMW", "Mercedes-Benz", "Audi", "Tesla"})
_FUEL_WEIGHTS = {"gasoline": 6, "diesel": 2, "hybrid": 3, "electric": 2}
_TOWBAR_ODDS = {"pickup": 0.8, "suv": 0.45, "van": 0.35, "wagon": 0.2}
_COLORS = ("white", "black", "gray", "silver", "blue", "red", "green", "brown", "beige", "orange")

_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 1980, 1981, ... repeating every 30 years


@dataclass(frozen=True, slots=True)
class Inventory:
    dealers: tuple[Dealer, ...]
    vehicles: tuple[Vehicle, ...]

    def dealer_map(self) -> dict[str, Dealer]:
        return {dealer.id: dealer for dealer in self.dealers}

    def as_json(self) -> dict[str, list[dict[str, object]]]:
        return {
            "dealers": [dataclasses.asdict(dealer) for dealer in self.dealers],
            "vehicles": [dataclasses.asdict(vehicle) for vehicle in self.vehicles],
        }


DEMO_SEED = 20261126


def generate_inventory(seed: int = DEMO_SEED, vehicles: int = 600, dealers: int = 24) -> Inventory:
    """`vehicles` vehicles spread over `dealers` dealers, the same for the same arguments."""
    if vehicles < 0 or dealers < 1:
        raise ValueError("need vehicles >= 0 and dealers >= 1")
    rng = random.Random(seed)
    dealer_rows = _dealers(rng, dealers)
    vins: set[str] = set()
    vehicle_rows = tuple(
        _vehicle(rng, f"veh-{index:04d}", rng.choice(dealer_rows).id, vins)
        for index in range(1, vehicles + 1)
    )
    return Inventory(dealers=dealer_rows, vehicles=vehicle_rows)


def _dealers(rng: random.Random, count: int) -> tuple[Dealer, ...]:
    if count > len(_NAME_STEMS) * len(_NAME_SUFFIXES):
        raise ValueError(f"at most {len(_NAME_STEMS) * len(_NAME_SUFFIXES)} dealers")
    cities = rng.sample(_CITIES, len(_CITIES))
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(_NAME_STEMS)} {rng.choice(_NAME_SUFFIXES)}"
        if name not in names:
            names.append(name)
    return tuple(
        Dealer(
            id=f"dlr-{index + 1:03d}",
            name=name,
            zip=cities[index % len(cities)][2],
            city=cities[index % len(cities)][0],
            state=cities[index % len(cities)][1],
            capacity=rng.randint(4, 24),
        )
        for index, name in enumerate(names)
    )


def _vehicle(rng: random.Random, vehicle_id: str, dealer_id: str, vins: set[str]) -> Vehicle:
    spec, year = _model_and_year(rng)
    fuel_type = _weighted(rng, spec.fuel_types(year), _FUEL_WEIGHTS)
    manual = spec.manual_offered and fuel_type == "gasoline" and rng.random() < MANUAL_ODDS
    body_type = rng.choice(spec.body_types)
    seats = rng.choice(spec.seats)
    drivetrain = rng.choice(spec.drivetrains)
    mileage = _mileage(rng, year)
    vehicle = Vehicle(
        id=vehicle_id,
        vin=_vin(rng, spec.make, year, vins),
        make=spec.make,
        model=spec.model,
        year=year,
        price=_price(rng, spec, year, fuel_type, mileage),
        mileage=mileage,
        fuel_type=fuel_type,
        body_type=body_type,
        seats=seats,
        transmission="manual" if manual else "automatic",
        drivetrain=drivetrain,
        features=(),
        color=rng.choice(_COLORS),
        dealer_id=dealer_id,
    )
    return dataclasses.replace(vehicle, features=_features(rng, vehicle))


def _weighted(rng: random.Random, options: Sequence[str], weights: dict[str, int]) -> str:
    return rng.choices(options, weights=[weights[option] for option in options])[0]


def _model_and_year(rng: random.Random) -> tuple[ModelSpec, int]:
    make = rng.choices(list(_MAKE_WEIGHTS), weights=list(_MAKE_WEIGHTS.values()))[0]
    spec = model_spec(make, rng.choice(MAKES[make]))
    years = range(max(spec.first_year, FIRST_MODEL_YEAR), min(spec.last_year, LAST_MODEL_YEAR) + 1)
    # Recent model years are more common on dealer lots.
    year = rng.choices(years, weights=[1 + (y - FIRST_MODEL_YEAR) / 4 for y in years])[0]
    return spec, year


def _mileage(rng: random.Random, year: int) -> int:
    age = REFERENCE_YEAR - year
    per_year = min(max(rng.gauss(12_000, 3_500), 3_000), 24_000)
    return int(age * per_year)


def _price(rng: random.Random, spec: ModelSpec, year: int, fuel_type: str, mileage: int) -> int:
    age = LAST_MODEL_YEAR - year
    retained = 0.95 if age == 0 else 0.8 * 0.915 ** (age - 1)
    expected_mileage = 12_000 * (REFERENCE_YEAR - year)
    mileage_factor = min(max(1 - 0.15 * (mileage - expected_mileage) / 50_000, 0.8), 1.15)
    fuel_factor = {"diesel": 1.08, "hybrid": 1.06}.get(fuel_type, 1.0)
    value = spec.base_price * retained * mileage_factor * fuel_factor * rng.uniform(0.92, 1.12)
    return max(2_500, round(value / 50) * 50)


def _features(rng: random.Random, vehicle: Vehicle) -> tuple[str, ...]:
    year = vehicle.year
    carplay_odds = 0.85 if year >= CARPLAY_YEAR else 0.4 if year == CARPLAY_YEAR - 1 else 0.0
    has = {
        "automatic": vehicle.transmission == "automatic",
        "awd": vehicle.drivetrain == "awd",
        "towbar": rng.random() < _TOWBAR_ODDS.get(vehicle.body_type, 0.05),
        "third_row": vehicle.seats >= THIRD_ROW_SEATS,
        "apple_carplay": rng.random() < carplay_odds,
        "heated_seats": rng.random() < (0.9 if vehicle.make in _LUXURY_MAKES else 0.35),
    }
    return tuple(feature for feature in FEATURES if has[feature])


def _vin(rng: random.Random, make: str, year: int, taken: set[str]) -> str:
    while True:
        descriptor = "".join(rng.choice(_VIN_CHARS) for _ in range(5))
        # Position 7 is a letter for North American model years 2010-2039.
        descriptor = descriptor[:3] + rng.choice(_VIN_LETTERS) + descriptor[4]
        serial = f"{rng.choice(_VIN_CHARS)}{rng.randrange(1_000_000):06d}"
        draft = rng.choice(_WMI[make]) + descriptor + "0" + _YEAR_CODES[(year - 1980) % 30] + serial
        vin = draft[:8] + vin_check_digit(draft) + draft[9:]
        if vin not in taken:
            taken.add(vin)
            return vin
