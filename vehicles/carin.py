"""CarIn: rank the inventory against the `carin_questions` answers.

Vehicles that seat fewer than `passengers` (everyone in the car, driver included) or cost more
than 120% of `budget_max` are left out. Every other vehicle gets a 0..100 match score: the weighted
mean of these fits (each 0..1), with distance counted only when a known `zip` is given.

| factor      | weight | fit                                                                    |
|-------------|--------|------------------------------------------------------------------------|
| budget      | 25     | 1 within budget, falling to 0 at 120% of it                            |
| seats       | 10     | 1, or 0.6 when the car is far bigger than needed                       |
| use         | 20     | body type for the primary use, plus AWD (leisure), third row (family)  |
| fuel        | 15     | 1 for the preferred fuel or "any", 0.5 hybrid/electric for each other  |
| running     | 10     | fuel economy, weighed by annual miles (assumed 12,000 when not given)  |
| must-haves  | 15     | share of must-haves the vehicle has (towing adds a towbar to them)     |
| condition   | 10     | 1 at 0 miles on the clock, falling to 0 at 150,000                     |
| distance    | 5      | 1 within 25 miles, falling to 0 at 500 miles                           |

The reasons are the texts of the best-scoring factors with a fit of at least 0.5, at most four,
in the visitor's locale (the catalogue's `carin.*` texts, `workflows/messages`).
Vehicles are ranked by score (highest first), then price (lowest first), then id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from vehicles.catalogue import FEATURES
from vehicles.criteria import FUELS, money
from vehicles.geo import distance_miles
from vehicles.models import (
    ANY,
    Dealer,
    RankedVehicle,
    SearchResult,
    Vehicle,
    answer_int,
    answer_str,
    answer_strs,
    dealer_of,
    fuel_of,
    page_slice,
    wanted_fuel,
)
from workflows.messages import DEFAULT_LOCALE, text

BUDGET_STRETCH = 1.2
MAX_REASONS = 4
DEFAULT_ANNUAL_MILES = 12_000
REASON_MIN_FIT = 0.5
LOW_RUNNING_COSTS = 0.9  # the fuel economy from which running costs are worth a reason
NEARBY_MILES = 25
FAR_MILES = 500
WORN_MILEAGE = 150_000
LOW_MILEAGE = 30_000

_USE_FIT: Mapping[str, Mapping[str, float]] = {
    "commute": {"sedan": 1, "hatchback": 1, "wagon": 0.7, "coupe": 0.7, "suv": 0.5,
                "convertible": 0.5, "van": 0.2, "pickup": 0.2},
    "family": {"suv": 0.8, "van": 0.8, "wagon": 0.8, "sedan": 0.6, "hatchback": 0.4,
               "pickup": 0.4, "coupe": 0.1, "convertible": 0.1},
    "leisure": {"convertible": 1, "coupe": 0.9, "suv": 0.8, "wagon": 0.7, "pickup": 0.6,
                "hatchback": 0.5, "sedan": 0.4, "van": 0.4},
    "business": {"sedan": 1, "van": 1, "suv": 0.7, "wagon": 0.7, "pickup": 0.7,
                 "hatchback": 0.5, "coupe": 0.4, "convertible": 0.3},
    "towing": {"pickup": 1, "suv": 0.8, "van": 0.5, "wagon": 0.3, "sedan": 0.1,
               "hatchback": 0.1, "coupe": 0.0, "convertible": 0.0},
}  # fmt: skip
# The catalogue's ids of the words a reason is made of.
_USE_WORDS = {"commute": "carin.use.commute", "family": "carin.use.family",
              "leisure": "carin.use.leisure", "business": "carin.use.business",
              "towing": "carin.use.towing"}  # fmt: skip
_ECONOMY = {"electric": 1.0, "hybrid": 0.9, "diesel": 0.75, "gasoline": 0.55}
_FEATURE_WORDS = {"automatic": "carin.feature.automatic", "awd": "carin.feature.awd",
                  "towbar": "carin.feature.towbar", "third_row": "carin.feature.third_row",
                  "apple_carplay": "carin.feature.apple_carplay",
                  "heated_seats": "carin.feature.heated_seats"}  # fmt: skip
_BODY_WORDS = {"suv": "carin.body.suv", "van": "carin.body.van", "pickup": "carin.body.pickup",
               "sedan": "carin.body.sedan", "hatchback": "carin.body.hatchback",
               "wagon": "carin.body.wagon", "coupe": "carin.body.coupe",
               "convertible": "carin.body.convertible"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CarInAnswers:
    """The `carin_questions` answers. None / empty means not answered."""

    budget_max: int
    primary_use: str
    passengers: int
    fuel_preference: str | None = None
    annual_miles: int | None = None
    must_haves: tuple[str, ...] = ()
    zip: str | None = None

    @classmethod
    def from_answers(cls, answers: Mapping[str, object]) -> CarInAnswers:
        """Build from validated step answers keyed by the FLOWS.md field names."""
        budget_max = answer_int(answers, "budget_max")
        primary_use = answer_str(answers, "primary_use")
        passengers = answer_int(answers, "passengers")
        if budget_max is None or primary_use is None or passengers is None:
            raise ValueError("budget_max, primary_use and passengers are required")
        return cls(
            budget_max=budget_max,
            primary_use=primary_use,
            passengers=passengers,
            fuel_preference=wanted_fuel(answers, "fuel_preference"),
            annual_miles=answer_int(answers, "annual_miles"),
            must_haves=answer_strs(answers, "must_haves"),
            zip=answer_str(answers, "zip"),
        )


@dataclass(frozen=True, slots=True)
class _Say:
    """A reason as the catalogue says it: its id and what fills it; `words` fill it with the
    catalogue's words read in the same locale (by id; several ids: listed with commas)."""

    message_id: str
    params: Mapping[str, object] = field(default_factory=dict)
    words: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)

    def text(self, locale: str) -> str:
        filled = dict(self.params)
        for name, ids in self.words.items():
            listed = (ids,) if isinstance(ids, str) else ids
            filled[name] = ", ".join(text(word, locale) for word in listed)
        return text(self.message_id, locale, filled)


class _Factor(NamedTuple):
    weight: int
    fit: float
    reason: _Say | None


def rank(
    vehicles: Sequence[Vehicle],
    dealers: Mapping[str, Dealer],
    answers: Mapping[str, object],
    page: int = 1,
    page_size: int = 10,
    locale: str = DEFAULT_LOCALE,
) -> SearchResult:
    """One page of the vehicles that fit the CarIn answers, best match first; the reasons in
    `locale`."""
    window = page_slice(page, page_size)
    wanted = CarInAnswers.from_answers(answers)
    ranked = [
        _scored(vehicle, dealer_of(vehicle, dealers), wanted, locale)
        for vehicle in vehicles
        if _eligible(vehicle, wanted)
    ]
    ranked.sort(key=lambda item: (-(item.match_score or 0), item.vehicle.price, item.vehicle.id))
    return SearchResult(tuple(ranked[window]), len(ranked), page, page_size)


def _eligible(vehicle: Vehicle, wanted: CarInAnswers) -> bool:
    return (
        vehicle.seats >= wanted.passengers and vehicle.price <= wanted.budget_max * BUDGET_STRETCH
    )


def _scored(vehicle: Vehicle, dealer: Dealer, wanted: CarInAnswers, locale: str) -> RankedVehicle:
    distance = None if wanted.zip is None else distance_miles(wanted.zip, dealer.zip)
    factors = [
        _budget(vehicle, wanted.budget_max),
        _seats(vehicle, wanted.passengers),
        _use(vehicle, wanted.primary_use),
        _fuel(vehicle, wanted.fuel_preference, wanted.annual_miles),
        _running_costs(vehicle, wanted.annual_miles),
        _must_haves(vehicle, wanted),
        _condition(vehicle),
    ]
    if wanted.zip is not None and distance is not None:
        factors.append(_distance(distance, wanted.zip))
    score = round(100 * sum(f.weight * f.fit for f in factors) / sum(f.weight for f in factors))
    return RankedVehicle(vehicle, dealer, distance, score, _reasons(factors, locale))


def _reasons(factors: Sequence[_Factor], locale: str) -> tuple[str, ...]:
    best_first = sorted(factors, key=lambda factor: -factor.weight * factor.fit)
    said = [f.reason for f in best_first if f.reason is not None and f.fit >= REASON_MIN_FIT]
    if not said:
        said = [f.reason for f in best_first if f.reason is not None][:1]
    return tuple(reason.text(locale) for reason in said[:MAX_REASONS])


def _budget(vehicle: Vehicle, budget: int) -> _Factor:
    if vehicle.price <= budget:
        return _Factor(25, 1.0, _Say("carin.within_budget", {"budget": money(budget)}))
    over = vehicle.price - budget
    fit = max(0.0, 1 - over / (budget * (BUDGET_STRETCH - 1)))
    return _Factor(
        25, fit, _Say("carin.over_budget", {"over": money(over), "budget": money(budget)})
    )


def _seats(vehicle: Vehicle, passengers: int) -> _Factor:
    oversized = vehicle.seats > max(5, passengers + 3)
    message_id = "carin.seats.one" if passengers == 1 else "carin.seats.other"
    said = _Say(message_id, {"seats": vehicle.seats, "passengers": passengers})
    return _Factor(10, 0.6 if oversized else 1.0, said)


def _use(vehicle: Vehicle, use: str) -> _Factor:
    fit = _USE_FIT.get(use, {}).get(vehicle.body_type, 0.5)
    features = vehicle.features
    if use == "towing" and "towbar" in features:
        return _Factor(20, fit, _Say("carin.towbar"))
    if use == "family" and "third_row" in features:
        return _Factor(20, min(1.0, fit + 0.2), _Say("carin.third_row"))
    if use == "leisure" and "awd" in features:
        return _Factor(20, min(1.0, fit + 0.2), _Say("carin.awd"))
    body = _BODY_WORDS.get(vehicle.body_type, "carin.body.other")
    use_words = _USE_WORDS.get(use)
    if use_words is None:  # not an option of the form: its value as given
        return _Factor(20, fit, _Say("carin.suits", {"use": use}, {"body": body}))
    return _Factor(20, fit, _Say("carin.suits", {}, {"body": body, "use": use_words}))


def _fuel(vehicle: Vehicle, preference: str | None, annual_miles: int | None) -> _Factor:
    if preference is None or preference == ANY:
        return _Factor(15, 1.0, None)
    fuel, preference = fuel_of(vehicle.fuel_type), fuel_of(preference)
    if fuel == preference:
        # The running-costs reason says the same and more when it applies.
        says_more = annual_miles and _ECONOMY.get(fuel, 0.5) >= LOW_RUNNING_COSTS
        said = _with_fuel("carin.fuel_preferred", preference)
        return _Factor(15, 1.0, None if says_more else said)
    electrified = {"hybrid", "electric"}
    return _Factor(15, 0.5 if {fuel, preference} <= electrified else 0.0, None)


def _running_costs(vehicle: Vehicle, annual_miles: int | None) -> _Factor:
    economy = _ECONOMY.get(fuel_of(vehicle.fuel_type), 0.5)
    miles = DEFAULT_ANNUAL_MILES if annual_miles is None else annual_miles
    fit = 1 - min(miles, 30_000) / 30_000 * (1 - economy)
    if not annual_miles or economy < LOW_RUNNING_COSTS:
        return _Factor(10, fit, None)
    fuel = fuel_of(vehicle.fuel_type)
    said = _with_fuel("carin.running_costs", fuel, {"miles": f"{annual_miles:,}"})
    return _Factor(10, fit, said)


def _must_haves(vehicle: Vehicle, wanted: CarInAnswers) -> _Factor:
    needed = set(wanted.must_haves) | ({"towbar"} if wanted.primary_use == "towing" else set())
    if not needed:
        return _Factor(15, 1.0, None)
    fit = len(needed & set(vehicle.features)) / len(needed)
    asked = [f for f in FEATURES if f in wanted.must_haves and f in vehicle.features]
    if not asked:
        return _Factor(15, fit, None)
    if len(asked) < len(wanted.must_haves):
        counts = {"have": len(asked), "wanted": len(wanted.must_haves)}
        return _Factor(15, fit, _Say("carin.some_must_haves", counts))
    words = tuple(_FEATURE_WORDS[feature] for feature in asked if feature in _FEATURE_WORDS)
    return _Factor(15, fit, _Say("carin.must_haves", {}, {"features": words}))


def _condition(vehicle: Vehicle) -> _Factor:
    fit = 1 - min(vehicle.mileage, WORN_MILEAGE) / WORN_MILEAGE
    if vehicle.mileage > LOW_MILEAGE:
        return _Factor(10, fit, None)
    return _Factor(10, fit, _Say("carin.low_mileage", {"miles": f"{vehicle.mileage:,}"}))


def _distance(miles: float, zip_code: str) -> _Factor:
    fit = (
        1.0 if miles <= NEARBY_MILES else max(0.0, (FAR_MILES - miles) / (FAR_MILES - NEARBY_MILES))
    )
    if round(miles) == 0:
        return _Factor(5, fit, _Say("carin.under_a_mile", {"zip": zip_code}))
    return _Factor(
        5, fit, _Say("carin.miles_from", {"miles": f"{round(miles):,}", "zip": zip_code})
    )


def _with_fuel(message_id: str, fuel: str, params: Mapping[str, object] | None = None) -> _Say:
    """A reason naming a fuel: the catalogue's name of a known one, else its value as given."""
    known = FUELS.get(fuel)
    if known is None:
        return _Say(message_id, {**(params or {}), "fuel": fuel.capitalize()})
    return _Say(message_id, dict(params or {}), {"fuel": known})
