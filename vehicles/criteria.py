"""The criteria of a search or a CarIn questionnaire as the visitor reads them: one chip per
answer given, with the field's label and the option's label or the formatted value, e.g.
"Max price: $25,000", "Fuel type: Hybrid" (US English). An answer that filters nothing (blank,
"any") has no chip; a field this table does not know is left out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from vehicles.models import ANY, fuel_of

FUELS = {"gasoline": "Gasoline", "diesel": "Diesel", "hybrid": "Hybrid", "electric": "Electric"}
BODIES = {
    "sedan": "Sedan",
    "hatchback": "Hatchback",
    "suv": "SUV",
    "wagon": "Wagon",
    "coupe": "Coupe",
    "convertible": "Convertible",
    "pickup": "Pickup truck",
    "van": "Minivan or van",
}
USES = {
    "commute": "Commute",
    "family": "Family",
    "leisure": "Leisure",
    "business": "Business",
    "towing": "Towing",
}
MUST_HAVES = {
    "automatic": "Automatic transmission",
    "awd": "All-wheel drive",
    "towbar": "Tow hitch",
    "third_row": "Third-row seats",
    "apple_carplay": "Apple CarPlay",
    "heated_seats": "Heated seats",
}
# field -> (label, how its value reads), in the order the chips are shown.
_TEXT, _YEAR, _MONEY, _MILES, _COUNT = "text", "year", "money", "miles", "count"
LABELS: Mapping[str, tuple[str, str | Mapping[str, str]]] = {
    "make": ("Make", _TEXT),
    "model": ("Model", _TEXT),
    "year_min": ("From year", _YEAR),
    "year_max": ("To year", _YEAR),
    "price_max": ("Max price", _MONEY),
    "budget_max": ("Budget", _MONEY),
    "mileage_max": ("Max mileage", _MILES),
    "fuel_type": ("Fuel type", FUELS),
    "fuel_preference": ("Fuel", FUELS),
    "body_type": ("Body type", BODIES),
    "primary_use": ("Main use", USES),
    "passengers": ("Passengers", _COUNT),
    "annual_miles": ("Miles a year", _COUNT),
    "must_haves": ("Must-haves", MUST_HAVES),
    "zip": ("Near ZIP", _TEXT),
}


@dataclass(frozen=True, slots=True)
class Chip:
    """One criterion: `text` is "<label>: <value>"; `removable`: the visitor may drop it."""

    field: str
    label: str
    value: str
    removable: bool

    @property
    def text(self) -> str:
        return f"{self.label}: {self.value}"


def chips(answers: Mapping[str, object], removable: Collection[str] = ()) -> tuple[Chip, ...]:
    """The chips of `answers`, in the table's order; those in `removable` may be dropped."""
    found: list[Chip] = []
    for name, (label, reads) in LABELS.items():
        value = shown(answers.get(name), reads)
        if value is not None:
            found.append(Chip(name, label, value, name in removable))
    return tuple(found)


def shown(value: object, reads: str | Mapping[str, str]) -> str | None:
    """How `value` reads; None when it filters nothing."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, list | tuple):
        named = [shown(item, reads) for item in value]
        return ", ".join(name for name in named if name) or None
    if isinstance(value, str) and value.casefold() == ANY:
        return None
    if not isinstance(reads, str):
        key = fuel_of(str(value)) if reads is FUELS else str(value)
        return reads.get(key, str(value))
    if isinstance(value, int | float) and reads != _YEAR and reads != _TEXT:
        if reads == _MONEY:
            return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"
        return f"{value:,.0f} mi" if reads == _MILES else f"{value:,.0f}"
    return str(value)
