"""The Vehicle Service: the inventory in memory, availability from the database.

Vehicles and dealers change rarely, so they are loaded once at start (and seeded from the
deterministic generator on first start). Whether a vehicle is still available comes from the
database: read at most every `AVAILABILITY_TTL_S` seconds and at once after this process holds a
vehicle, so one transition's lookups, effect and view share one read and one ranking. A hold
whose time ran out counts as available at once, whether the relay has released it yet or not. A
vehicle another process held a moment ago may still be listed; choosing it meets the conditional
hold, which sends the visitor back to fresh results (the sold-vehicle race of FLOWS.md).

Fuel types read from storage are named as today (`petrol` rows are `gasoline`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from app.services.storage import Storage
from vehicles import carin, catalogue
from vehicles.criteria import chips
from vehicles.demo_stock import generate_inventory
from vehicles.models import (
    Dealer,
    RankedVehicle,
    SearchCriteria,
    SearchResult,
    Vehicle,
    fuel_of,
    page_slice,
)
from vehicles.search import search
from workflows.messages import DEFAULT_LOCALE
from workflows.model import Option
from workflows.outcomes import CriterionChip, DealerCard, Relaxation, ResultsData, VehicleCard

log = logging.getLogger("trex.inventory")
PAGE_SIZE = 10
AVAILABILITY_TTL_S = 0.25
EVERYTHING = 10_000
RANKINGS_KEPT = 256
# The search criteria the results step may drop one at a time (`remove`); make is required.
REMOVABLE = (
    "model",
    "year_min",
    "year_max",
    "price_max",
    "mileage_max",
    "fuel_type",
    "body_type",
    "zip",
)


class InventoryService:
    def __init__(
        self, storage: Storage, vehicles: Collection[Vehicle], dealers: Collection[Dealer]
    ) -> None:
        self._storage = storage
        self._vehicles = {vehicle.id: _current_names(vehicle) for vehicle in vehicles}
        self._dealers = {dealer.id: dealer for dealer in dealers}
        self.dealer_cards = tuple(_dealer_card(dealer) for dealer in dealers)
        self.makes = tuple(catalogue.makes())
        self.models = {make: tuple(catalogue.models(make)) for make in self.makes}
        self._options = {
            "makes": tuple(Option(make, make) for make in self.makes),
            "dealers": tuple(Option(card.id, card.name) for card in self.dealer_cards),
            **{
                f"models:{make}": tuple(Option(model, model) for model in models)
                for make, models in self.models.items()
            },
        }
        self._availability: tuple[float, frozenset[str]] | None = None
        self._refreshing = asyncio.Lock()
        self._rankings: OrderedDict[str, SearchResult] = OrderedDict()
        self._available_list = list(self._vehicles.values())

    @classmethod
    async def load(cls, storage: Storage) -> InventoryService:
        """Load the inventory, seeding it from the generator on first start (a process that
        starts at the same moment as another seeds the same rows, written once)."""
        async with storage.write() as uow:
            if await uow.inventory.count_vehicles() == 0:
                seeded = generate_inventory()
                await uow.inventory.add_stock(seeded.dealers, seeded.vehicles)
                log.info(
                    "seeded %d vehicles at %d dealers", len(seeded.vehicles), len(seeded.dealers)
                )
        async with storage.read() as uow:
            vehicles = await uow.inventory.vehicles()
            dealers = await uow.inventory.dealers()
        return cls(storage, vehicles, dealers)

    def vehicle(self, vehicle_id: str) -> Vehicle | None:
        return self._vehicles.get(vehicle_id)

    def options(self, source: str, answers: Mapping[str, object]) -> tuple[Option, ...]:
        """A field's options from `source` (`makes`, `models` of the chosen make, `dealers`);
        none where they are not known."""
        if source == "models":
            source = f"models:{answers.get('make')}"
        return self._options.get(source, ())

    def dealer_name(self, dealer_id: object) -> str | None:
        dealer = self._dealers.get(str(dealer_id))
        return None if dealer is None else dealer.name

    async def is_available(self, vehicle_id: str) -> bool:
        return vehicle_id not in await self._unavailable(fresh=True)

    def availability_changed(self) -> None:
        """This process held or released a vehicle: the next search reads availability anew."""
        self._availability = None

    async def search(
        self,
        answers: Mapping[str, object],
        page: int,
        sort: object = None,
        locale: str = DEFAULT_LOCALE,
    ) -> SearchResult:
        """A page of the search for `answers`, in the order `sort` (the default order when the
        search does not offer it: `vehicles.search.sort_for`); its relaxations in `locale`."""
        return _page(await self._everything(answers, ranked=False, sort=sort, locale=locale), page)

    async def carin(
        self, answers: Mapping[str, object], page: int, locale: str = DEFAULT_LOCALE
    ) -> SearchResult:
        """A page of the CarIn ranking for `answers`, its match reasons in `locale`."""
        return _page(await self._everything(answers, ranked=True, locale=locale), page)

    async def listed_ids(self, answers: Mapping[str, object], *, ranked: bool) -> set[str]:
        """Every vehicle id the results step lists, across all pages."""
        found = await self._everything(answers, ranked=ranked)
        return {item.vehicle.id for item in found.vehicles}

    async def _everything(
        self,
        answers: Mapping[str, object],
        *,
        ranked: bool,
        sort: object = None,
        locale: str = DEFAULT_LOCALE,
    ) -> SearchResult:
        """Every match in order, computed once per criteria, order, locale and availability."""
        available = await self._available()
        clean = _whole_numbers(answers)
        key = json.dumps([ranked, clean, sort, locale], sort_keys=True, default=str)
        found = self._rankings.get(key)
        if found is not None:
            self._rankings.move_to_end(key)
            return found
        if ranked:
            found = carin.rank(available, self._dealers, clean, 1, EVERYTHING, locale)
        else:
            criteria = SearchCriteria.from_answers(clean)
            order = sort if isinstance(sort, str) else None
            found = search(available, self._dealers, criteria, 1, EVERYTHING, order, locale)
        self._rankings[key] = found
        if len(self._rankings) > RANKINGS_KEPT:
            self._rankings.popitem(last=False)
        return found

    def results(
        self, found: SearchResult, criteria: Mapping[str, object], locale: str = DEFAULT_LOCALE
    ) -> ResultsData:
        """The results step's data, its chips in `locale` (the relaxations and reasons are
        `found`'s); a search's criteria (not a CarIn ranking's) are removable."""
        removable = REMOVABLE if found.sort is not None else ()
        return ResultsData(
            vehicles=tuple(self.card(item) for item in found.vehicles),
            total=found.total,
            page=found.page,
            page_size=found.page_size,
            criteria=dict(criteria),
            relaxations=tuple(
                Relaxation(r.field, r.matches, r.label, r.drops, dict(r.answers))
                for r in found.relaxations
            ),
            chips=tuple(
                CriterionChip(c.field, c.label, c.value, c.text, c.removable)
                for c in chips(criteria, removable, locale)
            ),
            sort=found.sort,
            sorts=found.sorts,
        )

    def card(self, item: RankedVehicle) -> VehicleCard:
        vehicle = item.vehicle
        return VehicleCard(
            id=vehicle.id,
            make=vehicle.make,
            model=vehicle.model,
            year=vehicle.year,
            price=vehicle.price,
            mileage=vehicle.mileage,
            fuel_type=vehicle.fuel_type,
            body_type=vehicle.body_type,
            seats=vehicle.seats,
            transmission=vehicle.transmission,
            drivetrain=vehicle.drivetrain,
            features=vehicle.features,
            color=vehicle.color,
            dealer=_dealer_card(item.dealer),
            distance_miles=None if item.distance_miles is None else round(item.distance_miles, 1),
            match_score=item.match_score,
            match_reasons=item.match_reasons,
        )

    def summary(self, vehicle: Vehicle) -> dict[str, object]:
        return {
            "id": vehicle.id,
            "vin": vehicle.vin,
            "make": vehicle.make,
            "model": vehicle.model,
            "year": vehicle.year,
            "price": vehicle.price,
            "dealer_id": vehicle.dealer_id,
        }

    @property
    def dealers(self) -> list[Dealer]:
        return list(self._dealers.values())

    def dealer(self, dealer_id: str) -> Dealer | None:
        return self._dealers.get(dealer_id)

    async def _unavailable(self, *, fresh: bool = False) -> frozenset[str]:
        cached = self._availability
        if not fresh and cached is not None and time.monotonic() - cached[0] < AVAILABILITY_TTL_S:
            return cached[1]
        async with self._refreshing:
            if not fresh and self._availability is not None and self._availability is not cached:
                return self._availability[1]  # refreshed while this call waited
            read_at = time.monotonic()
            async with self._storage.read() as uow:
                unavailable = frozenset(await uow.inventory.unavailable_ids(datetime.now(UTC)))
            if cached is None or unavailable != cached[1]:
                self._rankings.clear()
                self._available_list = [
                    v for v in self._vehicles.values() if v.id not in unavailable
                ]
            self._availability = (read_at, unavailable)
            return unavailable

    async def _available(self) -> list[Vehicle]:
        await self._unavailable()
        return self._available_list


def _page(found: SearchResult, page: int) -> SearchResult:
    window = page_slice(page, PAGE_SIZE)
    return replace(found, vehicles=found.vehicles[window], page=page, page_size=PAGE_SIZE)


def _current_names(vehicle: Vehicle) -> Vehicle:
    fuel = fuel_of(vehicle.fuel_type)
    return vehicle if fuel == vehicle.fuel_type else replace(vehicle, fuel_type=fuel)


def revised_results(before: Mapping[str, object], sent: Mapping[str, object]) -> dict[str, object]:
    """A search results step's answers after `sent`: the sort chosen before is kept unless a new
    one came; a vehicle chosen keeps the page too (going back returns to it); a new sort or a
    removed criterion starts again at page 1, and so does refine (a new search)."""
    kept: dict[str, object] = {}
    if "sort" in before:
        kept["sort"] = before["sort"]
    starts_over = "sort" in sent or "remove" in sent or sent.get("refine") is True
    if "page" in before and not starts_over:
        kept["page"] = before["page"]
    return {**kept, **sent}


def without_criterion(criteria: Mapping[str, object], name: str) -> dict[str, object]:
    """The search's answers with criterion `name` dropped (make, required, is kept)."""
    if name not in REMOVABLE:
        return dict(criteria)
    return {key: value for key, value in criteria.items() if key != name}


def _whole_numbers(answers: Mapping[str, object]) -> dict[str, object]:
    """Money answers may carry cents; the inventory works in whole dollars."""
    return {k: int(v) if isinstance(v, float) else v for k, v in answers.items()}


def _dealer_card(dealer: Dealer) -> DealerCard:
    return DealerCard(dealer.id, dealer.name, dealer.city, dealer.state, dealer.zip)
