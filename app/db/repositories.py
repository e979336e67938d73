"""Repositories: map rows to records and back. They never commit; the unit of work does."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db.tables import (
    HISTORY,
    IDEMPOTENCY,
    LEADS,
    SESSION_EVENTS,
    SESSIONS,
    VEHICLES,
    DealerRow,
    HistoryRow,
    LeadRow,
    SessionRow,
    VehicleRow,
)
from app.services.records import LeadRecord, SessionRecord, StoredEvent
from workflows.engine import SessionState
from workflows.model import SessionStatus


def record_snapshot(record: SessionRecord) -> dict[str, Any]:
    """The record as JSON: what an idempotent replay renders again."""
    return {
        "id": record.id,
        "workflow": record.workflow,
        "definition_version": record.definition_version,
        "row_version": record.row_version,
        "created_at": record.created_at.isoformat(),
        **_state_columns(record),
        "updated_at": record.updated_at.isoformat(),
    }


def record_from_snapshot(snapshot: dict[str, Any], token_hash: str) -> SessionRecord:
    state = SessionState(
        current_step=snapshot["current_step"],
        status=SessionStatus(snapshot["status"]),
        answers=snapshot["answers"],
        path=tuple(snapshot["path"]),
    )
    return SessionRecord(
        id=snapshot["id"],
        token_hash=token_hash,
        workflow=snapshot["workflow"],
        definition_version=snapshot["definition_version"],
        state=state,
        context=snapshot["context"],
        created_at=datetime.fromisoformat(snapshot["created_at"]),
        updated_at=datetime.fromisoformat(snapshot["updated_at"]),
        row_version=snapshot["row_version"],
        last_seq=snapshot["last_seq"],
    )


def _key_digest(key: str) -> str:
    """Idempotency keys are the client's, of any length: store a fixed-size digest."""
    return hashlib.sha256(key.encode()).hexdigest()


def _to_record(row: Row[Any]) -> SessionRecord:
    state = SessionState(
        current_step=row.current_step,
        status=SessionStatus(row.status),
        answers=row.answers,
        path=tuple(row.path),
    )
    return SessionRecord(
        id=row.id,
        token_hash=row.token_hash,
        workflow=row.workflow,
        definition_version=row.definition_version,
        state=state,
        context=dict(row.context),
        created_at=row.created_at,
        updated_at=row.updated_at,
        row_version=row.row_version,
        last_seq=row.last_seq,
        host_site_id=row.host_site_id,
    )


def _state_columns(record: SessionRecord) -> dict[str, Any]:
    return {
        "current_step": record.state.current_step,
        "status": record.state.status.value,
        "answers": {step: dict(values) for step, values in record.state.answers.items()},
        "path": list(record.state.path),
        "context": record.context,
        "last_seq": record.last_seq,
        "updated_at": record.updated_at,
    }


# The statements of every transition, built once: building one costs more than running it.
_GET_SESSION = select(SESSIONS).where(SESSIONS.c.id == bindparam("session_id"))
_ADD_SESSION = insert(SESSIONS)
_SAVE_SESSION = (
    update(SESSIONS)
    .where(SESSIONS.c.id == bindparam("_id"))
    .where(SESSIONS.c.row_version == bindparam("_version"))
    .values(row_version=SESSIONS.c.row_version + 1, last_seq=SESSIONS.c.last_seq + 1)
    .returning(SESSIONS.c.last_seq)
)
_ADD_HISTORY = insert(HISTORY)
_ADD_EVENT = insert(SESSION_EVENTS)
_MARK_PUBLISHED = (
    update(SESSION_EVENTS)
    .where(SESSION_EVENTS.c.session_id == bindparam("_id"))
    .where(SESSION_EVENTS.c.seq == bindparam("_seq"))
)
# Available, or held by a hold that has run out (the relay releases those too, now and then).
_FREE = or_(
    VEHICLES.c.status == "available",
    and_(
        VEHICLES.c.status == "held",
        VEHICLES.c.held_until.is_not(None),
        VEHICLES.c.held_until <= bindparam("_now"),
    ),
)
_HOLD_VEHICLE = (
    update(VEHICLES)
    .where(VEHICLES.c.id == bindparam("_id"))
    .where(_FREE)
    .values(status="held", held_by_lead=bindparam("_lead"), held_until=bindparam("_until"))
)


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, session_id: str) -> SessionRecord | None:
        row = (await self._session.execute(_GET_SESSION, {"session_id": session_id})).first()
        return None if row is None else _to_record(row)

    async def waiting_ids(self, since_before: datetime) -> list[str]:
        """Sessions waiting for an outcome since before `since_before`."""
        query = (
            select(col(SessionRow.id))
            .where(col(SessionRow.status) == SessionStatus.WAITING.value)
            .where(col(SessionRow.updated_at) < since_before)
        )
        return list((await self._session.execute(query)).scalars().all())

    async def add(self, record: SessionRecord) -> None:
        await self._session.execute(
            _ADD_SESSION,
            {
                "id": record.id,
                "token_hash": record.token_hash,
                "workflow": record.workflow,
                "definition_version": record.definition_version,
                "row_version": record.row_version,
                "host_site_id": record.host_site_id,
                "created_at": record.created_at,
                **_state_columns(record),
            },
        )

    async def save(self, record: SessionRecord) -> SessionRecord | None:
        """Write the new state if nobody else did since it was read (optimistic concurrency),
        and number its event: the saved record carries the next row version and event seq.

        None on a conflict."""
        columns = {k: v for k, v in _state_columns(record).items() if k != "last_seq"}
        result = await self._session.execute(
            _SAVE_SESSION, {"_id": record.id, "_version": record.row_version, **columns}
        )
        seq = result.scalar_one_or_none()
        if seq is None:
            return None
        return replace(record, row_version=record.row_version + 1, last_seq=seq)

    async def next_seq(self, session_id: str) -> int | None:
        """Number one more event of the session without touching its state (lead progress)."""
        result = await self._session.execute(
            update(SessionRow)
            .where(col(SessionRow.id) == session_id)
            .values(last_seq=col(SessionRow.last_seq) + 1)
            .returning(col(SessionRow.last_seq))
        )
        return result.scalar_one_or_none()

    async def set_status(self, session_id: str, status: SessionStatus) -> None:
        """A new row version too: whoever read the session before must read it again."""
        await self._session.execute(
            update(SESSIONS)
            .where(SESSIONS.c.id == session_id)
            .values(status=status.value, row_version=SESSIONS.c.row_version + 1)
        )

    async def unpublished_events(self, limit: int) -> list[StoredEvent]:
        events = SESSION_EVENTS
        query = (
            select(events.c.session_id, events.c.seq, events.c.type, events.c.payload, events.c.at)
            .where(events.c.published_at.is_(None))
            .order_by(events.c.at, events.c.seq)
            .limit(limit)
        )
        rows = (await self._session.execute(query)).all()
        return [StoredEvent(*row) for row in rows]

    async def mark_published(self, events: Sequence[StoredEvent], at: datetime) -> None:
        """One statement, executed for each event of the batch (each finds its row by key)."""
        rows = [{"_id": e.session_id, "_seq": e.seq, "published_at": at} for e in events]
        await self._session.execute(_MARK_PUBLISHED, rows)

    async def add_history(
        self,
        session_id: str,
        action: str,
        from_step: str | None,
        to_step: str,
        at: datetime,
        input_: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
    ) -> None:
        await self._session.execute(
            _ADD_HISTORY,
            {
                "session_id": session_id,
                "action": action,
                "from_step": from_step,
                "to_step": to_step,
                "input": input_ or {},
                "result": result or {},
                "at": at,
            },
        )

    async def history(self, session_id: str) -> Sequence[HistoryRow]:
        query = (
            select(HistoryRow)
            .where(col(HistoryRow.session_id) == session_id)
            .order_by(col(HistoryRow.id))
        )
        return (await self._session.execute(query)).scalars().all()

    async def add_event(self, event: StoredEvent) -> None:
        await self._session.execute(
            _ADD_EVENT,
            {
                "session_id": event.session_id,
                "seq": event.seq,
                "type": event.type,
                "payload": event.payload,
                "at": event.at,
                "published_at": None,
            },
        )

    async def events_after(self, session_id: str, after_seq: int) -> list[StoredEvent]:
        events = SESSION_EVENTS
        query = (
            select(events.c.session_id, events.c.seq, events.c.type, events.c.payload, events.c.at)
            .where(events.c.session_id == session_id)
            .where(events.c.seq > after_seq)
            .order_by(events.c.seq)
        )
        rows = (await self._session.execute(query)).all()
        return [StoredEvent(*row) for row in rows]

    async def idempotent_outcome(self, session_id: str, key: str) -> dict[str, Any] | None:
        query = (
            select(IDEMPOTENCY.c.outcome)
            .where(IDEMPOTENCY.c.session_id == session_id)
            .where(IDEMPOTENCY.c.key == _key_digest(key))
        )
        outcome: dict[str, Any] | None = (await self._session.execute(query)).scalar()
        return outcome

    async def remember_outcome(
        self, session_id: str, key: str, outcome: dict[str, Any], at: datetime
    ) -> None:
        await self._session.execute(
            insert(IDEMPOTENCY).values(
                session_id=session_id, key=_key_digest(key), outcome=outcome, at=at
            )
        )


class LeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, lead: LeadRecord) -> None:
        await self._session.execute(
            insert(LEADS).values(
                id=lead.id,
                reference=lead.reference,
                session_id=lead.session_id,
                kind=lead.kind,
                status=lead.status,
                vehicle_id=lead.vehicle_id,
                dealer_id=lead.dealer_id,
                linked_lead_id=lead.linked_lead_id,
                contact=lead.contact,
                details=lead.details,
                host_site_id=lead.host_site_id,
                created_at=lead.created_at,
                updated_at=lead.created_at,
                crm_id=None,
                outcomes={},
                address_hash=lead.address_hash,
                email_hash=lead.email_hash,
                phone_hash=lead.phone_hash,
            )
        )

    async def get(self, lead_id: str) -> LeadRecord | None:
        row = await self._session.get(LeadRow, lead_id)
        return None if row is None else _lead_record(row)

    async def locked(self, lead_id: str) -> LeadRow | None:
        """The lead's row, locked for this transaction (handlers update it concurrently)."""
        return await self._session.get(LeadRow, lead_id, with_for_update=True)

    async def release_hold(self, lead_id: str) -> None:
        await self._session.execute(
            update(VehicleRow)
            .where(col(VehicleRow.held_by_lead) == lead_id)
            .values(status="available", held_by_lead=None, held_until=None)
        )

    async def statuses_of_session(self, session_id: str) -> list[str]:
        query = select(col(LeadRow.status)).where(col(LeadRow.session_id) == session_id)
        return list((await self._session.execute(query)).scalars().all())

    async def take_capacity(self, dealer_id: str) -> bool:
        result = await self._session.execute(
            update(DealerRow)
            .where(col(DealerRow.id) == dealer_id)
            .where(col(DealerRow.capacity) > 0)
            .values(capacity=col(DealerRow.capacity) - 1)
            .returning(col(DealerRow.id))
        )
        return result.scalar_one_or_none() is not None

    async def give_back_capacity(self, dealer_ids: Sequence[str]) -> None:
        for dealer_id in dealer_ids:
            await self._session.execute(
                update(DealerRow)
                .where(col(DealerRow.id) == dealer_id)
                .values(capacity=col(DealerRow.capacity) + 1)
            )

    async def capacities(self) -> dict[str, int]:
        rows = await self._session.execute(select(col(DealerRow.id), col(DealerRow.capacity)))
        return {dealer_id: capacity for dealer_id, capacity in rows.all()}

    async def hold_vehicle(
        self, vehicle_id: str, lead_id: str, now: datetime, until: datetime
    ) -> bool:
        """Take the vehicle for this lead until `until`, unless it is sold or held (and the
        hold has not run out) for another lead."""
        values = {"_id": vehicle_id, "_lead": lead_id, "_now": now, "_until": until}
        result = await self._session.execute(_HOLD_VEHICLE, values)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _lead_record(row: LeadRow) -> LeadRecord:
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


class InventoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count_vehicles(self) -> int:
        return int(
            (await self._session.execute(select(func.count()).select_from(VehicleRow))).scalar_one()
        )

    async def vehicles(self) -> Sequence[VehicleRow]:
        return (
            (await self._session.execute(select(VehicleRow).order_by(col(VehicleRow.id))))
            .scalars()
            .all()
        )

    async def dealers(self) -> Sequence[DealerRow]:
        return (
            (await self._session.execute(select(DealerRow).order_by(col(DealerRow.id))))
            .scalars()
            .all()
        )

    async def unavailable_ids(self, now: datetime) -> set[str]:
        """Sold, or held by a hold still running at `now`."""
        query = select(VEHICLES.c.id).where(~_FREE)
        return set((await self._session.execute(query, {"_now": now})).scalars().all())

    def add_all(self, rows: Sequence[DealerRow | VehicleRow]) -> None:
        self._session.add_all(rows)
