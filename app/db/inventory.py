"""The inventory's rows: dealers and vehicles, as `vehicles.models` records, and availability.

Vehicles and dealers are read once at start; availability (which vehicles are sold or held) is
read again and again (`unavailable_ids`), so its statement is built once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.inserts import insert_new
from app.db.tables import DEALERS, VEHICLES
from vehicles.models import Dealer, Vehicle

# Available, or held by a hold that has run out (the relay releases those too, now and then).
FREE = or_(
    VEHICLES.c.status == "available",
    and_(
        VEHICLES.c.status == "held",
        VEHICLES.c.held_until.is_not(None),
        VEHICLES.c.held_until <= bindparam("_now"),
    ),
)
_UNAVAILABLE = select(VEHICLES.c.id).where(~FREE)
_VEHICLE_COLUMNS = [VEHICLES.c[name] for name in Vehicle.__dataclass_fields__]
_DEALER_COLUMNS = [DEALERS.c[name] for name in Dealer.__dataclass_fields__]


class InventoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count_vehicles(self) -> int:
        query = select(func.count()).select_from(VEHICLES)
        return int((await self._session.execute(query)).scalar_one())

    async def vehicles(self) -> list[Vehicle]:
        query = select(*_VEHICLE_COLUMNS).order_by(VEHICLES.c.id)
        return [_vehicle(row) for row in await self._session.execute(query)]

    async def dealers(self) -> list[Dealer]:
        query = select(*_DEALER_COLUMNS).order_by(DEALERS.c.id)
        return [Dealer(**row._mapping) for row in await self._session.execute(query)]

    async def unavailable_ids(self, now: datetime) -> set[str]:
        """Sold, or held by a hold still running at `now`."""
        return set((await self._session.execute(_UNAVAILABLE, {"_now": now})).scalars().all())

    async def add_stock(self, dealers: Sequence[Dealer], vehicles: Sequence[Vehicle]) -> None:
        """Dealers and vehicles not stored yet (another process may be seeding the same)."""
        rows = [{**asdict(v), "features": list(v.features)} for v in vehicles]
        for table, values in ((DEALERS, [asdict(d) for d in dealers]), (VEHICLES, rows)):
            if values:
                await self._session.execute(insert_new(self._session, table), values)


def _vehicle(row: Row[Any]) -> Vehicle:
    return Vehicle(**{**row._mapping, "features": tuple(row.features)})
