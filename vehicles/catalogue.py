"""The makes and models T-Rex knows, with the specs the inventory generator draws from.

A small, hand-written table of real US-market models: body types, the fuels each was sold with
(and in which model years), seat counts, drivetrains, whether a manual gearbox was offered, and a
rough base price new in US dollars. Make and model names here are the canonical spellings used by
the `vehicle_search` step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

FUEL_TYPES: tuple[str, ...] = ("gasoline", "diesel", "hybrid", "electric")
BODY_TYPES: tuple[str, ...] = (
    "sedan",
    "hatchback",
    "suv",
    "wagon",
    "coupe",
    "convertible",
    "pickup",
    "van",
)
FEATURES: tuple[str, ...] = (
    "automatic",
    "awd",
    "towbar",
    "third_row",
    "apple_carplay",
    "heated_seats",
)
TRANSMISSIONS: tuple[str, ...] = ("automatic", "manual")
DRIVETRAINS: tuple[str, ...] = ("fwd", "rwd", "awd")

_OPEN_END = 9999

# Columns: model, body types, fuels (`fuel@first-last` limits a fuel to those model years),
# seat counts, base price new (USD), model years sold (`first-` = still sold), drivetrains,
# manual gearbox offered.
_TABLE: dict[str, tuple[str, ...]] = {
    "Toyota": (
        "Corolla | sedan hatchback | gasoline hybrid@2020- | 5 | 23000 | 2012- | fwd | manual",
        "Camry | sedan | gasoline hybrid | 5 | 29000 | 2012- | fwd awd",
        "Prius | hatchback | hybrid | 5 | 29000 | 2012- | fwd awd",
        "RAV4 | suv | gasoline hybrid@2016- | 5 | 31000 | 2012- | fwd awd",
        "Highlander | suv | gasoline hybrid | 7 8 | 41000 | 2012- | fwd awd",
        "Tacoma | pickup | gasoline | 5 | 33000 | 2012- | rwd awd | manual",
        "Tundra | pickup | gasoline hybrid@2022- | 5 6 | 45000 | 2012- | rwd awd",
        "Sienna | van | gasoline@2012-2020 hybrid@2021- | 7 8 | 40000 | 2012- | fwd awd",
    ),
    "Honda": (
        "Civic | sedan hatchback coupe | gasoline | 5 | 25000 | 2012- | fwd | manual",
        "Accord | sedan | gasoline hybrid@2014- | 5 | 29000 | 2012- | fwd | manual",
        "CR-V | suv | gasoline hybrid@2020- | 5 | 32000 | 2012- | fwd awd",
        "HR-V | suv | gasoline | 5 | 25000 | 2016- | fwd awd",
        "Pilot | suv | gasoline | 7 8 | 42000 | 2012- | fwd awd",
        "Odyssey | van | gasoline | 7 8 | 40000 | 2012- | fwd",
        "Ridgeline | pickup | gasoline | 5 | 40000 | 2017- | fwd awd",
    ),
    "Ford": (
        "F-150 | pickup | gasoline hybrid@2021- | 5 6 | 45000 | 2012- | rwd awd",
        "F-150 Lightning | pickup | electric | 5 | 55000 | 2022- | awd",
        "Escape | suv | gasoline hybrid@2020- | 5 | 30000 | 2013- | fwd awd",
        "Explorer | suv | gasoline hybrid@2020- | 6 7 | 40000 | 2012- | fwd rwd awd",
        "Mustang | coupe convertible | gasoline | 4 | 33000 | 2012- | rwd | manual",
        "Mustang Mach-E | suv | electric | 5 | 45000 | 2021- | rwd awd",
        "Fusion | sedan | gasoline hybrid | 5 | 25000 | 2012-2020 | fwd awd | manual",
        "Transit | van | gasoline diesel@2015-2019 | 12 15 | 50000 | 2015- | rwd awd",
        "Maverick | pickup | hybrid gasoline | 5 | 27000 | 2022- | fwd awd",
        "Bronco | suv | gasoline | 4 5 | 42000 | 2021- | awd | manual",
    ),
    "Chevrolet": (
        "Silverado 1500 | pickup | gasoline diesel@2019- | 5 6 | 42000 | 2012- | rwd awd",
        "Equinox | suv | gasoline diesel@2018-2019 | 5 | 29000 | 2012- | fwd awd",
        "Malibu | sedan | gasoline hybrid@2016-2019 | 5 | 26000 | 2012-2025 | fwd",
        "Tahoe | suv | gasoline diesel@2021- | 7 8 | 58000 | 2012- | rwd awd",
        "Traverse | suv | gasoline | 7 8 | 40000 | 2012- | fwd awd",
        "Bolt EV | hatchback | electric | 5 | 28000 | 2017-2023 | fwd",
        "Camaro | coupe convertible | gasoline | 4 | 32000 | 2012-2024 | rwd | manual",
        "Colorado | pickup | gasoline diesel@2016-2022 | 5 | 32000 | 2015- | rwd awd",
        "Express | van | gasoline | 12 15 | 45000 | 2012- | rwd",
    ),
    "Nissan": (
        "Altima | sedan | gasoline | 5 | 27000 | 2012- | fwd awd",
        "Sentra | sedan | gasoline | 5 | 21000 | 2012- | fwd | manual",
        "Rogue | suv | gasoline hybrid@2017-2019 | 5 7 | 29000 | 2012- | fwd awd",
        "Pathfinder | suv | gasoline hybrid@2014-2015 | 7 8 | 38000 | 2012- | fwd awd",
        "Leaf | hatchback | electric | 5 | 29000 | 2012- | fwd",
        "Frontier | pickup | gasoline | 5 | 32000 | 2012- | rwd awd | manual",
        "Titan | pickup | gasoline diesel@2016-2019 | 5 6 | 45000 | 2012-2024 | rwd awd",
    ),
    "Hyundai": (
        "Elantra | sedan hatchback | gasoline hybrid@2021- | 5 | 22000 | 2012- | fwd | manual",
        "Sonata | sedan | gasoline hybrid | 5 | 27000 | 2012- | fwd",
        "Tucson | suv | gasoline hybrid@2022- | 5 | 29000 | 2012- | fwd awd",
        "Santa Fe | suv | gasoline hybrid@2021- | 5 7 | 33000 | 2012- | fwd awd",
        "Palisade | suv | gasoline | 7 8 | 38000 | 2020- | fwd awd",
        "Kona | suv | gasoline electric@2019- | 5 | 25000 | 2018- | fwd awd",
        "Ioniq 5 | suv | electric | 5 | 43000 | 2022- | rwd awd",
    ),
    "Kia": (
        "Forte | sedan hatchback | gasoline | 5 | 21000 | 2012- | fwd | manual",
        "Optima | sedan | gasoline hybrid | 5 | 25000 | 2012-2020 | fwd",
        "K5 | sedan | gasoline | 5 | 27000 | 2021- | fwd awd",
        "Soul | hatchback | gasoline electric@2015-2019 | 5 | 21000 | 2012- | fwd | manual",
        "Sportage | suv | gasoline hybrid@2023- | 5 | 28000 | 2012- | fwd awd",
        "Sorento | suv | gasoline hybrid@2021- | 5 7 | 33000 | 2012- | fwd awd",
        "Telluride | suv | gasoline | 7 8 | 38000 | 2020- | fwd awd",
        "Carnival | van | gasoline | 7 8 | 36000 | 2022- | fwd",
        "EV6 | suv | electric | 5 | 44000 | 2022- | rwd awd",
    ),
    "Subaru": (
        "Outback | wagon | gasoline | 5 | 30000 | 2012- | awd",
        "Forester | suv | gasoline hybrid@2025- | 5 | 29000 | 2012- | awd | manual",
        "Crosstrek | hatchback suv | gasoline hybrid@2014-2016 | 5 | 26000 | 2013- | awd | manual",
        "Impreza | sedan hatchback | gasoline | 5 | 22000 | 2012- | awd | manual",
        "WRX | sedan | gasoline | 5 | 33000 | 2015- | awd | manual",
        "Ascent | suv | gasoline | 7 8 | 36000 | 2019- | awd",
        "BRZ | coupe | gasoline | 4 | 30000 | 2013- | rwd | manual",
    ),
    "Mazda": (
        "Mazda3 | sedan hatchback | gasoline | 5 | 24000 | 2012- | fwd awd | manual",
        "Mazda6 | sedan | gasoline | 5 | 27000 | 2012-2021 | fwd | manual",
        "CX-30 | suv | gasoline | 5 | 25000 | 2020- | fwd awd",
        "CX-5 | suv | gasoline diesel@2019-2019 | 5 | 29000 | 2013- | fwd awd",
        "CX-9 | suv | gasoline | 7 | 37000 | 2012-2023 | fwd awd",
        "CX-90 | suv | gasoline hybrid | 7 8 | 42000 | 2024- | awd",
        "MX-5 Miata | convertible | gasoline | 2 | 30000 | 2012- | rwd | manual",
    ),
    "Volkswagen": (
        ("Jetta | sedan | gasoline diesel@2012-2015 hybrid@2013-2016 | 5 | 22000 | 2012- | fwd"
         " | manual"),
        ("Golf | hatchback wagon | gasoline diesel@2012-2015 electric@2015-2019 | 5 | 25000"
         " | 2012-2021 | fwd | manual"),
        "Passat | sedan | gasoline diesel@2012-2015 | 5 | 27000 | 2012-2022 | fwd | manual",
        "Tiguan | suv | gasoline | 5 7 | 29000 | 2012- | fwd awd",
        "Atlas | suv | gasoline | 6 7 | 38000 | 2018- | fwd awd",
        "ID.4 | suv | electric | 5 | 41000 | 2021- | rwd awd",
    ),
    "BMW": (
        ("3 Series | sedan wagon | gasoline diesel@2014-2018 hybrid@2016- | 5 | 45000 | 2012-"
         " | rwd awd | manual"),
        "4 Series | coupe convertible | gasoline | 4 | 50000 | 2014- | rwd awd | manual",
        "5 Series | sedan | gasoline diesel@2014-2016 hybrid@2017- | 5 | 58000 | 2012- | rwd awd",
        "X3 | suv | gasoline diesel@2015-2017 hybrid@2020- | 5 | 49000 | 2012- | awd",
        "X5 | suv | gasoline diesel@2014-2018 hybrid@2016- | 5 7 | 66000 | 2012- | awd",
        "i3 | hatchback | electric | 4 | 45000 | 2014-2021 | rwd",
        "i4 | sedan | electric | 5 | 53000 | 2022- | rwd awd",
    ),
    "Mercedes-Benz": (
        "C-Class | sedan coupe | gasoline hybrid@2015- | 5 | 46000 | 2012- | rwd awd",
        "E-Class | sedan wagon | gasoline diesel@2014-2016 | 5 | 60000 | 2012- | rwd awd",
        "CLA | sedan | gasoline | 5 | 40000 | 2014- | fwd awd",
        "GLC | suv | gasoline hybrid@2020- | 5 | 48000 | 2016- | rwd awd",
        "GLE | suv | gasoline diesel@2016-2018 hybrid@2020- | 5 7 | 62000 | 2016- | awd",
        "EQS | sedan | electric | 5 | 105000 | 2022- | rwd awd",
        "Sprinter | van | diesel gasoline@2019- | 12 15 | 55000 | 2012- | rwd awd",
    ),
    "Audi": (
        "A3 | sedan hatchback convertible | gasoline hybrid@2016-2018 | 5 | 36000 | 2015- "
        "| fwd awd",
        "A4 | sedan wagon | gasoline | 5 | 43000 | 2012- | fwd awd | manual",
        "A6 | sedan | gasoline diesel@2014-2016 | 5 | 58000 | 2012- | fwd awd",
        "Q5 | suv | gasoline diesel@2014-2016 hybrid@2020- | 5 | 47000 | 2012- | awd",
        "Q7 | suv | gasoline diesel@2012-2015 | 7 | 62000 | 2012- | awd",
        "e-tron | suv | electric | 5 | 70000 | 2019-2024 | awd",
    ),
    "Tesla": (
        "Model S | sedan | electric | 5 | 80000 | 2012- | rwd awd",
        "Model 3 | sedan | electric | 5 | 42000 | 2017- | rwd awd",
        "Model X | suv | electric | 5 6 7 | 90000 | 2016- | awd",
        "Model Y | suv | electric | 5 7 | 47000 | 2020- | rwd awd",
        "Cybertruck | pickup | electric | 5 | 80000 | 2024- | awd",
    ),
    "Jeep": (
        ("Wrangler | suv convertible | gasoline diesel@2020-2023 hybrid@2021- | 4 5 | 36000 | 2012-"
         " | awd | manual"),
        ("Grand Cherokee | suv | gasoline diesel@2014-2022 hybrid@2022- | 5 7 | 45000 | 2012-"
         " | rwd awd"),
        "Cherokee | suv | gasoline | 5 | 32000 | 2014-2023 | fwd awd",
        "Compass | suv | gasoline | 5 | 30000 | 2012- | fwd awd | manual",
        "Renegade | suv | gasoline | 5 | 27000 | 2015-2023 | fwd awd | manual",
        "Gladiator | pickup | gasoline diesel@2021-2023 | 5 | 42000 | 2020- | awd | manual",
    ),
    "Ram": (
        "1500 | pickup | gasoline diesel@2014-2023 | 5 6 | 45000 | 2012- | rwd awd",
        "2500 | pickup | gasoline diesel | 5 6 | 50000 | 2012- | rwd awd",
        "3500 | pickup | diesel gasoline | 5 6 | 55000 | 2012- | rwd awd",
        "ProMaster City | van | gasoline | 5 | 28000 | 2015-2022 | fwd",
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FuelSpan:
    """A fuel a model was sold with, from `first_year` to `last_year` inclusive."""

    fuel_type: str
    first_year: int
    last_year: int


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One model's specs, as far as the inventory and matching need them."""

    make: str
    model: str
    body_types: tuple[str, ...]
    fuels: tuple[FuelSpan, ...]
    seats: tuple[int, ...]
    base_price: int
    first_year: int
    last_year: int
    drivetrains: tuple[str, ...]
    manual_offered: bool

    def sold_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def fuel_types(self, year: int) -> tuple[str, ...]:
        """The fuels this model was sold with in `year` (empty when it was not sold then)."""
        if not self.sold_in(year):
            return ()
        return tuple(
            span.fuel_type for span in self.fuels if span.first_year <= year <= span.last_year
        )


def _span(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    return int(first), int(last) if last else _OPEN_END


def _fuel(token: str) -> FuelSpan:
    fuel_type, _, years = token.partition("@")
    first, last = _span(years) if years else (0, _OPEN_END)
    return FuelSpan(fuel_type, first, last)


def _spec(make: str, row: str) -> ModelSpec:
    model, bodies, fuels, seats, price, years, drives, *manual = (
        cell.strip() for cell in row.split("|")
    )
    first, last = _span(years)
    return ModelSpec(
        make=make,
        model=model,
        body_types=tuple(bodies.split()),
        fuels=tuple(_fuel(token) for token in fuels.split()),
        seats=tuple(int(count) for count in seats.split()),
        base_price=int(price),
        first_year=first,
        last_year=last,
        drivetrains=tuple(drives.split()),
        manual_offered=manual == ["manual"],
    )


_SPECS: Mapping[tuple[str, str], ModelSpec] = MappingProxyType(
    {
        (make, spec.model): spec
        for make, rows in _TABLE.items()
        for spec in (_spec(make, row) for row in rows)
    }
)

MAKES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {make: tuple(_spec(make, row).model for row in rows) for make, rows in _TABLE.items()}
)


def makes() -> list[str]:
    """Canonical make names, in catalogue order."""
    return list(MAKES)


def models(make: str) -> list[str]:
    """Canonical model names of `make` (case-sensitive); empty for a make we do not know."""
    return list(MAKES.get(make, ()))


def model_spec(make: str, model: str) -> ModelSpec:
    """The specs of one model; KeyError when the catalogue does not have it."""
    return _SPECS[(make, model)]
