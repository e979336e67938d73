"""The numbered events of sessions: added in the transaction that causes them, read back in
order for late subscribers, and marked once pushed (app/services/session_events.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import SESSION_EVENTS
from app.services.records import StoredEvent

_E = SESSION_EVENTS.c
_COLUMNS = (_E.session_id, _E.seq, _E.type, _E.payload, _E.at)
_ADD = insert(SESSION_EVENTS)
_AFTER = (
    select(*_COLUMNS)
    .where(_E.session_id == bindparam("_id"))
    .where(_E.seq > bindparam("_after"))
    .order_by(_E.seq)
)
_UNPUBLISHED = (
    select(*_COLUMNS)
    .where(_E.published_at.is_(None))
    .order_by(_E.at, _E.seq)
    .limit(bindparam("_limit"))
)
_MARK_PUBLISHED = (
    update(SESSION_EVENTS)
    .where(_E.session_id == bindparam("_id"))
    .where(_E.seq == bindparam("_seq"))
)


class EventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: StoredEvent) -> None:
        row = {
            "session_id": event.session_id,
            "seq": event.seq,
            "type": event.type,
            "payload": event.payload,
            "at": event.at,
            "published_at": None,
        }
        await self._session.execute(_ADD, row)

    async def after(self, session_id: str, after_seq: int) -> list[StoredEvent]:
        rows = await self._session.execute(_AFTER, {"_id": session_id, "_after": after_seq})
        return [StoredEvent(*row) for row in rows.all()]

    async def unpublished(self, limit: int) -> list[StoredEvent]:
        rows = await self._session.execute(_UNPUBLISHED, {"_limit": limit})
        return [StoredEvent(*row) for row in rows.all()]

    async def mark_published(self, events: Sequence[StoredEvent], at: datetime) -> None:
        """One statement, executed for each event of the batch (each finds its row by key)."""
        rows = [{"_id": e.session_id, "_seq": e.seq, "published_at": at} for e in events]
        await self._session.execute(_MARK_PUBLISHED, rows)
