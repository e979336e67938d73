"""The criteria of a search or a CarIn questionnaire as the visitor reads them: one chip per
answer given, with the field's label and the option's label or the formatted value, e.g.
"Max price: $25,000", "Fuel type: Hybrid" in US English, "Precio máximo: $25,000" in es-US
(the catalogue's texts, `workflows/messages`). An answer that filters nothing (blank, "any") has
no chip; a field this table does not know is left out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from vehicles.models import ANY, fuel_of
from workflows.messages import DEFAULT_LOCALE, text

# An option's value -> the catalogue's id of its label.
FUELS = {
    "gasoline": "search.fuel.gasoline",
    "diesel": "search.fuel.diesel",
    "hybrid": "search.fuel.hybrid",
    "electric": "search.fuel.electric",
}
BODIES = {
    "sedan": "search.body.sedan",
    "hatchback": "search.body.hatchback",
    "suv": "search.body.suv",
    "wagon": "search.body.wagon",
    "coupe": "search.body.coupe",
    "convertible": "search.body.convertible",
    "pickup": "search.body.pickup",
    "van": "search.body.van",
}
USES = {
    "commute": "search.use.commute",
    "family": "search.use.family",
    "leisure": "search.use.leisure",
    "business": "search.use.business",
    "towing": "search.use.towing",
}
MUST_HAVES = {
    "automatic": "search.feature.automatic",
    "awd": "search.feature.awd",
    "towbar": "search.feature.towbar",
    "third_row": "search.feature.third_row",
    "apple_carplay": "search.feature.apple_carplay",
    "heated_seats": "search.feature.heated_seats",
}
# field -> (the catalogue's id of its label, how its value reads), in the order chips are shown.
_TEXT, _YEAR, _MONEY, _MILES, _COUNT = "text", "year", "money", "miles", "count"
LABELS: Mapping[str, tuple[str, str | Mapping[str, str]]] = {
    "make": ("search.criterion.make", _TEXT),
    "model": ("search.criterion.model", _TEXT),
    "year_min": ("search.criterion.year_min", _YEAR),
    "year_max": ("search.criterion.year_max", _YEAR),
    "price_max": ("search.criterion.price_max", _MONEY),
    "budget_max": ("search.criterion.budget_max", _MONEY),
    "mileage_max": ("search.criterion.mileage_max", _MILES),
    "fuel_type": ("search.criterion.fuel_type", FUELS),
    "fuel_preference": ("search.criterion.fuel_preference", FUELS),
    "body_type": ("search.criterion.body_type", BODIES),
    "primary_use": ("search.criterion.primary_use", USES),
    "passengers": ("search.criterion.passengers", _COUNT),
    "annual_miles": ("search.criterion.annual_miles", _COUNT),
    "must_haves": ("search.criterion.must_haves", MUST_HAVES),
    "zip": ("search.criterion.zip", _TEXT),
}


@dataclass(frozen=True, slots=True)
class Chip:
    """One criterion: `text` is "<label>: <value>" in `locale`; `removable`: the visitor may
    drop it."""

    field: str
    label: str
    value: str
    removable: bool
    locale: str = DEFAULT_LOCALE

    @property
    def text(self) -> str:
        return text("search.chip", self.locale, {"label": self.label, "value": self.value})


def chips(
    answers: Mapping[str, object], removable: Collection[str] = (), locale: str = DEFAULT_LOCALE
) -> tuple[Chip, ...]:
    """The chips of `answers` in `locale`, in the table's order; those in `removable` may be
    dropped."""
    found: list[Chip] = []
    for name, (label, reads) in LABELS.items():
        value = shown(answers.get(name), reads, locale)
        if value is not None:
            found.append(Chip(name, text(label, locale), value, name in removable, locale))
    return tuple(found)


def shown(
    value: object, reads: str | Mapping[str, str], locale: str = DEFAULT_LOCALE
) -> str | None:
    """How `value` reads in `locale`; None when it filters nothing."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, list | tuple):
        named = [shown(item, reads, locale) for item in value]
        return ", ".join(name for name in named if name) or None
    if isinstance(value, str) and value.casefold() == ANY:
        return None
    if not isinstance(reads, str):
        key = fuel_of(str(value)) if reads is FUELS else str(value)
        message_id = reads.get(key)
        return str(value) if message_id is None else text(message_id, locale)
    if isinstance(value, int | float) and reads != _YEAR and reads != _TEXT:
        if reads == _MONEY:
            return money(value)
        if reads == _MILES:
            return text("search.miles", locale, {"miles": f"{value:,.0f}"})
        return f"{value:,.0f}"
    return str(value)


def money(value: float) -> str:
    """An amount as US dollars read (the same in es-US): "$25,000", "$24,999.50"."""
    return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"
