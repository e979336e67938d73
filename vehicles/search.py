"""Inventory search for the `vehicle_search` step.

Every criterion given is a hard filter: make and model match exactly but case-insensitively, the
year lies in [year_min, year_max], price <= price_max, mileage <= mileage_max, and fuel and body
type match. `zip` filters nothing; it only orders by distance.

Orders (`sort`), each ending on the vehicle id so that the order is total and stable:

- `relevance`, best first. Relevance is a 0..100 fit: up to 50 points for a newer model year and
  up to 50 for a lower mileage, each measured within the asked range:
  `50 * (year - low) / (high - low) + 50 * (1 - mileage / cap)`, where low/high are year_min and
  year_max when given, else the oldest and newest matching year (a span of zero counts as a full
  fit), and cap is mileage_max when given, else the highest matching mileage (a zero cap counts
  as a full fit). Relevance is compared in buckets of `RELEVANCE_BUCKET` points (0-9, 10-19, ...,
  100), so that near-equal fits are ties; then price, lowest first; then distance.
- `price`, lowest first; then relevance, then distance.
- `distance` from `zip` to the vehicle's dealer, nearest first (unknown distances last); then
  relevance, then price. Offered only when `zip` is given, and then the default.

With no matches at all, `relaxations` offers, for each optional criterion given, to drop it
(the answers `{"remove": field}` for the results step) with how many vehicles would then match
(only those above zero, most matches first).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from vehicles.geo import distance_miles
from vehicles.models import (
    Dealer,
    RankedVehicle,
    Relaxation,
    SearchCriteria,
    SearchResult,
    Vehicle,
    dealer_of,
    fuel_of,
    page_slice,
)
from workflows.messages import DEFAULT_LOCALE, text

RELEVANCE_BUCKET = 10
RELEVANCE, PRICE, DISTANCE = "relevance", "price", "distance"
SORTS = (RELEVANCE, PRICE, DISTANCE)

# The criteria a visitor can drop when nothing matches, and the catalogue's id of the offer.
_RELAXABLE: tuple[tuple[str, str], ...] = (
    ("model", "search.relax.model"),
    ("year_min", "search.relax.year_min"),
    ("year_max", "search.relax.year_max"),
    ("price_max", "search.relax.price_max"),
    ("mileage_max", "search.relax.mileage_max"),
    ("fuel_type", "search.relax.fuel_type"),
    ("body_type", "search.relax.body_type"),
)


@dataclass(frozen=True, slots=True)
class _Ranges:
    """The year span and mileage cap that relevance is measured against."""

    year_low: int
    year_high: int
    mileage_cap: int


def search(
    vehicles: Sequence[Vehicle],
    dealers: Mapping[str, Dealer],
    criteria: SearchCriteria,
    page: int = 1,
    page_size: int = 10,
    sort: str | None = None,
    locale: str = DEFAULT_LOCALE,
) -> SearchResult:
    """One page of the vehicles matching `criteria`, in the order `sort` (one of
    `sorts_for(criteria)`, else the default of `sort_for`); with none, the relaxations that
    would give some, offered in `locale`."""
    window = page_slice(page, page_size)
    order, offered = sort_for(criteria, sort), sorts_for(criteria)
    found = [vehicle for vehicle in vehicles if matches(vehicle, criteria)]
    if not found:
        relaxations = _relaxations(vehicles, criteria, locale)
        return SearchResult((), 0, page, page_size, relaxations, order, offered)
    ranges = _ranges(found, criteria)
    ranked = [_ranked(vehicle, dealers, criteria.zip) for vehicle in found]
    ranked.sort(key=lambda item: _sort_key(item, ranges, order))
    return SearchResult(tuple(ranked[window]), len(ranked), page, page_size, (), order, offered)


def sorts_for(criteria: SearchCriteria) -> tuple[str, ...]:
    """The orders a search offers: by distance only from a ZIP code."""
    return SORTS if criteria.zip else (RELEVANCE, PRICE)


def sort_for(criteria: SearchCriteria, asked: object = None) -> str:
    """The order asked for when the search offers it; else by distance from a ZIP code given,
    else by relevance."""
    offered = sorts_for(criteria)
    if isinstance(asked, str) and asked in offered:
        return asked
    return DISTANCE if DISTANCE in offered else RELEVANCE


def matches(vehicle: Vehicle, criteria: SearchCriteria) -> bool:
    """Whether `vehicle` passes every filter that `criteria` sets."""
    return (
        vehicle.make.casefold() == criteria.make.casefold()
        and _same(vehicle.model, criteria.model)
        and (criteria.year_min is None or vehicle.year >= criteria.year_min)
        and (criteria.year_max is None or vehicle.year <= criteria.year_max)
        and (criteria.price_max is None or vehicle.price <= criteria.price_max)
        and (criteria.mileage_max is None or vehicle.mileage <= criteria.mileage_max)
        and _same_fuel(vehicle.fuel_type, criteria.fuel_type)
        and _same(vehicle.body_type, criteria.body_type)
    )


def relevance(vehicle: Vehicle, year_low: int, year_high: int, mileage_cap: int) -> int:
    """The 0..100 relevance of `vehicle` for the given year span and mileage cap."""
    year_span = year_high - year_low
    year_fit = 1.0 if year_span <= 0 else _clamp((vehicle.year - year_low) / year_span)
    mileage_fit = 1.0 if mileage_cap <= 0 else 1 - _clamp(vehicle.mileage / mileage_cap)
    return round(50 * year_fit + 50 * mileage_fit)


def _same(value: str, wanted: str | None) -> bool:
    return wanted is None or value.casefold() == wanted.casefold()


def _same_fuel(value: str, wanted: str | None) -> bool:
    return wanted is None or fuel_of(value) == fuel_of(wanted)


def _clamp(fraction: float) -> float:
    return min(max(fraction, 0.0), 1.0)


def _ranges(found: Sequence[Vehicle], criteria: SearchCriteria) -> _Ranges:
    years = [vehicle.year for vehicle in found]
    return _Ranges(
        year_low=min(years) if criteria.year_min is None else criteria.year_min,
        year_high=max(years) if criteria.year_max is None else criteria.year_max,
        mileage_cap=(
            max(vehicle.mileage for vehicle in found)
            if criteria.mileage_max is None
            else criteria.mileage_max
        ),
    )


def _ranked(vehicle: Vehicle, dealers: Mapping[str, Dealer], zip_code: str | None) -> RankedVehicle:
    dealer = dealer_of(vehicle, dealers)
    distance = None if zip_code is None else distance_miles(zip_code, dealer.zip)
    return RankedVehicle(vehicle, dealer, distance, None, ())


def _sort_key(item: RankedVehicle, ranges: _Ranges, order: str) -> tuple[float, float, float, str]:
    vehicle = item.vehicle
    score = relevance(vehicle, ranges.year_low, ranges.year_high, ranges.mileage_cap)
    bucket = -(score // RELEVANCE_BUCKET)
    distance = math.inf if item.distance_miles is None else item.distance_miles
    if order == PRICE:
        return (vehicle.price, bucket, distance, vehicle.id)
    if order == DISTANCE:
        return (distance, bucket, vehicle.price, vehicle.id)
    return (bucket, vehicle.price, distance, vehicle.id)


def relaxation_label(field: str, count: int, locale: str = DEFAULT_LOCALE) -> str:
    """The offer to drop `field` in `locale`, with what it gives: "Any model (3 matches)"."""
    offer = dict(_RELAXABLE).get(field)
    if offer is None:
        raise KeyError(f"no relaxation of '{field}'")
    if count == 1:
        found = text("search.relax.one_match", locale)
    else:
        found = text("search.relax.matches", locale, {"count": f"{count:,}"})
    return text("search.relax.offer", locale, {"action": text(offer, locale), "matches": found})


def _relaxations(
    vehicles: Sequence[Vehicle], criteria: SearchCriteria, locale: str
) -> tuple[Relaxation, ...]:
    offers: list[Relaxation] = []
    for field, _ in _RELAXABLE:
        if getattr(criteria, field) is None:
            continue
        dropped: dict[str, Any] = {field: None}
        loosened = replace(criteria, **dropped)
        count = sum(1 for vehicle in vehicles if matches(vehicle, loosened))
        if count:
            label = relaxation_label(field, count, locale)
            offers.append(Relaxation(field, count, label, (field,), {"remove": field}))
    offers.sort(key=lambda offer: -offer.matches)
    return tuple(offers)
