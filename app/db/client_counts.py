"""What one client already has: its vehicles on hold, its leads of the last day, the customer
confirmations sent to an address. Counted on indexed digest columns (never on clear values).

On PostgreSQL two transactions of one client could both count before either commits; each
takes a transaction-scoped advisory lock per digest first, so they count one after the other.
SQLite needs none: its writes are serialized (a lock per process, the file's across them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import LEADS, VEHICLES
from app.services.records import ClientDigests


def _conditions(client: ClientDigests) -> list[ColumnElement[bool]]:
    """One condition per value the client is counted by: its session, address and contact."""
    columns = (
        (LEADS.c.address_hash, client.address),
        (LEADS.c.email_hash, client.email),
        (LEADS.c.phone_hash, client.phone),
    )
    found = [column == value for column, value in columns if value is not None]
    return [LEADS.c.session_id == client.session_id, *found]


_LOCK = select(func.pg_advisory_xact_lock(bindparam("_key")))
_CONFIRMED_TO_ANOTHER = select(
    exists().where(
        and_(
            LEADS.c.confirmed_to_hash == bindparam("_to"),
            LEADS.c.confirmed_at >= bindparam("_since"),
            LEADS.c.id != bindparam("_id"),
        )
    )
)
_RESERVE = (
    update(LEADS)
    .where(LEADS.c.id == bindparam("_id"))
    .where(LEADS.c.confirmed_to_hash.is_(None))
    .values(confirmed_to_hash=bindparam("_to"), confirmed_at=bindparam("_now"))
)


class ClientCounts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, digests: Iterable[str]) -> None:
        """Serialize the transactions that count the same client (PostgreSQL only)."""
        if self._session.get_bind().dialect.name != "postgresql":
            return
        for digest in sorted(set(digests)):  # one order everywhere: no deadlock
            await self._session.execute(_LOCK, {"_key": int(digest[:15], 16)})

    async def most_holds(self, client: ClientDigests, now: datetime) -> int:
        """The most vehicles on hold now for one of the client's session, address or contact."""
        held = LEADS.join(VEHICLES, VEHICLES.c.held_by_lead == LEADS.c.id)
        query = _per_condition(_conditions(client)).select_from(held)
        query = query.where(VEHICLES.c.status == "held").where(VEHICLES.c.held_until > now)
        return _most((await self._session.execute(query)).one())

    async def most_leads(self, client: ClientDigests, since: datetime) -> int:
        """The most leads since `since` of one of the client's session, address or contact."""
        query = _per_condition(_conditions(client)).select_from(LEADS)
        query = query.where(LEADS.c.created_at >= since)
        return _most((await self._session.execute(query)).one())

    async def reserve_confirmation(
        self, lead_id: str, recipient: str, now: datetime, since: datetime
    ) -> bool:
        """Take the day's confirmation to `recipient` for this lead, unless another lead got
        one since `since`. A lead that reserved it already keeps it (a retried delivery)."""
        await self.lock([recipient])
        keys = {"_id": lead_id, "_to": recipient}
        found = await self._session.execute(_CONFIRMED_TO_ANOTHER, {**keys, "_since": since})
        if found.scalar():
            return False
        await self._session.execute(_RESERVE, {**keys, "_now": now})
        return True


def _per_condition(conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """One count per condition, over the rows matching any of them (one indexed pass)."""
    sums = [func.coalesce(func.sum(case((c, 1), else_=0)), 0) for c in conditions]
    return select(*sums).where(or_(*conditions))


def _most(counts: Sequence[object]) -> int:
    return max((int(str(n)) for n in counts), default=0)
