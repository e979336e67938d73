"""The Vehicle Service: the inventory in memory, availability from the database.

Vehicles and dealers change rarely, so they are loaded once at start (and seeded from the
deterministic generator on first start); whether a vehicle is still available is read from the
database on every search, since holds and sales happen all the time.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import asdict

from sqlalchemy.exc import IntegrityError

from app.db.database import Database
from app.db.repositories import InventoryRepository
from app.db.tables import DealerRow, VehicleRow
from app.vehicles import carin, catalogue
from app.vehicles.inventory import generate_inventory
from app.vehicles.models import Dealer, RankedVehicle, SearchCriteria, SearchResult, Vehicle
from app.vehicles.search import search
from workflows.views import DealerCard, Relaxation, ResultsData, VehicleCard

log = logging.getLogger("trex.inventory")
PAGE_SIZE = 10


class InventoryService:
    def __init__(self, db: Database, vehicles: Collection[Vehicle], dealers: Collection[Dealer]):
        self._db = db
        self._vehicles = {vehicle.id: vehicle for vehicle in vehicles}
        self._dealers = {dealer.id: dealer for dealer in dealers}
        self.dealer_cards = tuple(_dealer_card(dealer) for dealer in dealers)
        self.makes = tuple(catalogue.makes())
        self.models = {make: tuple(catalogue.models(make)) for make in self.makes}

    @classmethod
    async def load(cls, db: Database) -> InventoryService:
        """Load the inventory, seeding it from the generator on first start."""
        try:
            async with db.write() as session:
                repo = InventoryRepository(session)
                if await repo.count_vehicles() == 0:
                    seeded = generate_inventory()
                    repo.add_all([DealerRow(**asdict(d)) for d in seeded.dealers])
                    repo.add_all([_vehicle_row(v) for v in seeded.vehicles])
                    log.info(
                        "seeded %d vehicles at %d dealers",
                        len(seeded.vehicles),
                        len(seeded.dealers),
                    )
        except IntegrityError:
            log.info("another process seeded the inventory first")
        async with db.read() as session:
            repo = InventoryRepository(session)
            vehicles = [_vehicle(row) for row in await repo.vehicles()]
            dealers = [
                Dealer(r.id, r.name, r.zip, r.city, r.state, r.capacity)
                for r in await repo.dealers()
            ]
        return cls(db, vehicles, dealers)

    def vehicle(self, vehicle_id: str) -> Vehicle | None:
        return self._vehicles.get(vehicle_id)

    def dealer_name(self, dealer_id: object) -> str | None:
        dealer = self._dealers.get(str(dealer_id))
        return None if dealer is None else dealer.name

    async def is_available(self, vehicle_id: str) -> bool:
        return vehicle_id not in await self._unavailable()

    async def search(self, answers: Mapping[str, object], page: int) -> SearchResult:
        criteria = SearchCriteria.from_answers(_whole_numbers(answers))
        return search(await self._available(), self._dealers, criteria, page, PAGE_SIZE)

    async def carin(self, answers: Mapping[str, object], page: int) -> SearchResult:
        return carin.rank(
            await self._available(), self._dealers, _whole_numbers(answers), page, PAGE_SIZE
        )

    async def listed_ids(self, answers: Mapping[str, object], *, ranked: bool) -> set[str]:
        """Every vehicle id the results step lists, across all pages."""
        vehicles, everything = await self._available(), 10_000
        clean = _whole_numbers(answers)
        if ranked:
            found = carin.rank(vehicles, self._dealers, clean, 1, everything)
        else:
            found = search(
                vehicles, self._dealers, SearchCriteria.from_answers(clean), 1, everything
            )
        return {item.vehicle.id for item in found.vehicles}

    def results(self, found: SearchResult, criteria: Mapping[str, object]) -> ResultsData:
        return ResultsData(
            vehicles=tuple(self.card(item) for item in found.vehicles),
            total=found.total,
            page=found.page,
            page_size=found.page_size,
            criteria=dict(criteria),
            relaxations=tuple(Relaxation(r.field, r.matches, r.label) for r in found.relaxations),
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

    async def _unavailable(self) -> set[str]:
        async with self._db.read() as session:
            return await InventoryRepository(session).unavailable_ids()

    async def _available(self) -> list[Vehicle]:
        unavailable = await self._unavailable()
        return [v for v in self._vehicles.values() if v.id not in unavailable]


def _whole_numbers(answers: Mapping[str, object]) -> dict[str, object]:
    """Money answers may carry cents; the inventory works in whole dollars."""
    return {k: int(v) if isinstance(v, float) else v for k, v in answers.items()}


def _dealer_card(dealer: Dealer) -> DealerCard:
    return DealerCard(dealer.id, dealer.name, dealer.city, dealer.state, dealer.zip)


def _vehicle_row(vehicle: Vehicle) -> VehicleRow:
    fields = asdict(vehicle)
    fields["features"] = list(vehicle.features)
    return VehicleRow(**fields)


def _vehicle(row: VehicleRow) -> Vehicle:
    return Vehicle(
        id=row.id,
        vin=row.vin,
        make=row.make,
        model=row.model,
        year=row.year,
        price=row.price,
        mileage=row.mileage,
        fuel_type=row.fuel_type,
        body_type=row.body_type,
        seats=row.seats,
        transmission=row.transmission,
        drivetrain=row.drivetrain,
        features=tuple(row.features),
        color=row.color,
        dealer_id=row.dealer_id,
    )
