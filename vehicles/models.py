"""The vehicle domain's data: dealers, vehicles, search criteria and ranked results.

Plain frozen dataclasses. The caller loads rows from wherever they live and hands these in; nothing
here touches a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ANY = "any"  # an optional single choice left open: it filters nothing
# Old names still accepted: version-1 sessions in flight answered "petrol".
FUEL_ALIASES = {"petrol": "gasoline"}


@dataclass(frozen=True, slots=True)
class Dealer:
    """A dealership of the network. `capacity`: how many open leads it accepts at once."""

    id: str
    name: str
    zip: str
    city: str
    state: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A vehicle for sale at a dealer. `price` in whole US dollars, `mileage` in miles."""

    id: str
    vin: str
    make: str
    model: str
    year: int
    price: int
    mileage: int
    fuel_type: str
    body_type: str
    seats: int
    transmission: str
    drivetrain: str
    features: tuple[str, ...]
    color: str
    dealer_id: str


class UnknownDealerError(LookupError):
    """A vehicle names a dealer that the dealers mapping does not hold."""

    def __init__(self, vehicle_id: str, dealer_id: str) -> None:
        super().__init__(f"vehicle {vehicle_id} names unknown dealer {dealer_id}")
        self.vehicle_id = vehicle_id
        self.dealer_id = dealer_id


def dealer_of(vehicle: Vehicle, dealers: Mapping[str, Dealer]) -> Dealer:
    """The vehicle's dealer; UnknownDealerError when the mapping lacks it."""
    dealer = dealers.get(vehicle.dealer_id)
    if dealer is None:
        raise UnknownDealerError(vehicle.id, vehicle.dealer_id)
    return dealer


def page_slice(page: int, page_size: int) -> slice:
    """The slice of a ranked list that page `page` (from 1) of `page_size` items covers."""
    if page < 1:
        raise ValueError(f"page must be 1 or more, not {page}")
    if page_size < 1:
        raise ValueError(f"page_size must be 1 or more, not {page_size}")
    start = (page - 1) * page_size
    return slice(start, start + page_size)


def answer_str(answers: Mapping[str, object], name: str) -> str | None:
    """A text answer, stripped; None when absent or blank."""
    value = answers.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, not {type(value).__name__}")
    return value.strip() or None


def answer_int(answers: Mapping[str, object], name: str) -> int | None:
    """A whole-number answer (an int, or digits as text); None when absent or blank."""
    value = answers.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a whole number, not a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(f"{name} must be a whole number, not {value!r}")


def answer_strs(answers: Mapping[str, object], name: str) -> tuple[str, ...]:
    """A multiple-choice answer as a tuple of texts; empty when absent."""
    value = answers.get(name)
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise TypeError(f"{name} must be a list of texts")
    if not all(isinstance(item, str) for item in value):
        raise TypeError(f"{name} must be a list of texts")
    return tuple(sorted(str(item) for item in value))


def fuel_of(value: str) -> str:
    """The fuel type's current name (`petrol` is `gasoline`)."""
    return FUEL_ALIASES.get(value.casefold(), value)


def wanted_fuel(answers: Mapping[str, object], name: str) -> str | None:
    """A fuel answer as a filter: its current name; None when absent or "any"."""
    value = answer_str(answers, name)
    if value is None or value.casefold() == ANY:
        return None
    return fuel_of(value)


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """The `vehicle_search` step's answers. Only `make` is required; None means "any" (a fuel
    type of "any" too; "petrol" is read as "gasoline")."""

    make: str
    model: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    price_max: int | None = None
    mileage_max: int | None = None
    fuel_type: str | None = None
    body_type: str | None = None
    zip: str | None = None

    @classmethod
    def from_answers(cls, answers: Mapping[str, object]) -> SearchCriteria:
        """Build criteria from validated step answers keyed by the FLOWS.md field names."""
        make = answer_str(answers, "make")
        if make is None:
            raise ValueError("make is required")
        return cls(
            make=make,
            model=answer_str(answers, "model"),
            year_min=answer_int(answers, "year_min"),
            year_max=answer_int(answers, "year_max"),
            price_max=answer_int(answers, "price_max"),
            mileage_max=answer_int(answers, "mileage_max"),
            fuel_type=wanted_fuel(answers, "fuel_type"),
            body_type=answer_str(answers, "body_type"),
            zip=answer_str(answers, "zip"),
        )


@dataclass(frozen=True, slots=True)
class RankedVehicle:
    """A vehicle in a result list, with its dealer, distance and (CarIn only) match data."""

    vehicle: Vehicle
    dealer: Dealer
    distance_miles: float | None
    match_score: int | None
    match_reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Relaxation:
    """Dropping criterion `field` alone would give `matches` vehicles; `label` says so.
    `drops`: the criteria it drops or widens; `answers`: what the results step takes to do it."""

    field: str
    matches: int
    label: str
    drops: tuple[str, ...]
    answers: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of results (`vehicles`), the `total` across all pages, and relaxations when
    there were no matches at all. `sort`: the order of a search (None for a CarIn ranking, which
    has one order), `sorts`: the orders it offers."""

    vehicles: tuple[RankedVehicle, ...]
    total: int
    page: int
    page_size: int
    relaxations: tuple[Relaxation, ...] = ()
    sort: str | None = None
    sorts: tuple[str, ...] = ()
