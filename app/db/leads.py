"""Leads, and what they take: vehicle holds and dealer capacity.

The lead pipeline's handlers update one lead concurrently (scoring, routing and contact run at
once): each reads it `locked` (`FOR UPDATE` on PostgreSQL; SQLite's writes are serialized) and
writes back what it changed with `update`. Every statement is built once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.inventory import FREE
from app.db.tables import DEALERS, LEADS, VEHICLES
from app.services.records import LeadRecord

_GET = select(LEADS).where(LEADS.c.id == bindparam("_id"))
_LOCKED = _GET.with_for_update()
_ADD = insert(LEADS)
_UPDATE = update(LEADS).where(LEADS.c.id == bindparam("_id"))
_STATUSES = select(LEADS.c.status).where(LEADS.c.session_id == bindparam("_session"))
_HOLD = (
    update(VEHICLES)
    .where(VEHICLES.c.id == bindparam("_id"))
    .where(FREE)
    .values(status="held", held_by_lead=bindparam("_lead"), held_until=bindparam("_until"))
)
_RELEASE = (
    update(VEHICLES)
    .where(VEHICLES.c.held_by_lead == bindparam("_lead"))
    .values(status="available", held_by_lead=None, held_until=None)
)
_RELEASE_EXPIRED = (
    update(VEHICLES)
    .where(VEHICLES.c.status == "held")
    .where(VEHICLES.c.held_until <= bindparam("_now"))
    .values(status="available", held_by_lead=None, held_until=None)
)
_CAPACITIES = select(DEALERS.c.id, DEALERS.c.capacity)
_TAKE_CAPACITY = (
    update(DEALERS)
    .where(DEALERS.c.id == bindparam("_id"))
    .where(DEALERS.c.capacity > 0)
    .values(capacity=DEALERS.c.capacity - 1)
    .returning(DEALERS.c.id)
)
_GIVE_BACK_CAPACITY = (
    update(DEALERS).where(DEALERS.c.id == bindparam("_id")).values(capacity=DEALERS.c.capacity + 1)
)


class LeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, lead: LeadRecord) -> None:
        await self._session.execute(
            _ADD,
            {
                "id": lead.id,
                "reference": lead.reference,
                "session_id": lead.session_id,
                "kind": lead.kind,
                "status": lead.status,
                "vehicle_id": lead.vehicle_id,
                "dealer_id": lead.dealer_id,
                "linked_lead_id": lead.linked_lead_id,
                "contact": lead.contact,
                "details": lead.details,
                "host_site_id": lead.host_site_id,
                "created_at": lead.created_at,
                "updated_at": lead.created_at,
                "crm_id": None,
                "outcomes": {},
                "address_hash": lead.address_hash,
                "email_hash": lead.email_hash,
                "phone_hash": lead.phone_hash,
            },
        )

    async def get(self, lead_id: str) -> LeadRecord | None:
        return _record((await self._session.execute(_GET, {"_id": lead_id})).first())

    async def locked(self, lead_id: str) -> LeadRecord | None:
        """The lead, locked for this transaction (handlers update it concurrently)."""
        return _record((await self._session.execute(_LOCKED, {"_id": lead_id})).first())

    async def update(self, lead: LeadRecord, at: datetime) -> None:
        """Write back what the pipeline changes of a lead read `locked`: its status, CRM id and
        outcomes, changed `at`."""
        values = {"status": lead.status, "crm_id": lead.crm_id, "outcomes": lead.outcomes}
        await self._session.execute(_UPDATE, {"_id": lead.id, **values, "updated_at": at})

    async def statuses_of_session(self, session_id: str) -> list[str]:
        result = await self._session.execute(_STATUSES, {"_session": session_id})
        return list(result.scalars().all())

    async def hold_vehicle(
        self, vehicle_id: str, lead_id: str, now: datetime, until: datetime
    ) -> bool:
        """Take the vehicle for this lead until `until`, unless it is sold or held (and the
        hold has not run out) for another lead."""
        values = {"_id": vehicle_id, "_lead": lead_id, "_now": now, "_until": until}
        result = await self._session.execute(_HOLD, values)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def release_hold(self, lead_id: str) -> None:
        await self._session.execute(_RELEASE, {"_lead": lead_id})

    async def release_expired_holds(self, now: datetime) -> int:
        """Vehicles whose hold ran out are available again (the relay's housekeeping)."""
        result = await self._session.execute(_RELEASE_EXPIRED, {"_now": now})
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def capacities(self) -> dict[str, int]:
        rows = await self._session.execute(_CAPACITIES)
        return {dealer_id: capacity for dealer_id, capacity in rows.all()}

    async def take_capacity(self, dealer_id: str) -> bool:
        """One open lead more for the dealer, unless it has no capacity left."""
        result = await self._session.execute(_TAKE_CAPACITY, {"_id": dealer_id})
        return result.scalar_one_or_none() is not None

    async def give_back_capacity(self, dealer_ids: Sequence[str]) -> None:
        for dealer_id in dealer_ids:
            await self._session.execute(_GIVE_BACK_CAPACITY, {"_id": dealer_id})


def _record(row: Row[Any] | None) -> LeadRecord | None:
    if row is None:
        return None
    return LeadRecord(
        id=row.id,
        reference=row.reference,
        session_id=row.session_id,
        kind=row.kind,
        status=row.status,
        created_at=row.created_at,
        vehicle_id=row.vehicle_id,
        dealer_id=row.dealer_id,
        linked_lead_id=row.linked_lead_id,
        contact=row.contact,
        details=row.details,
        host_site_id=row.host_site_id,
        crm_id=row.crm_id,
        outcomes=row.outcomes,
        address_hash=row.address_hash,
        email_hash=row.email_hash,
        phone_hash=row.phone_hash,
    )
