"""The outbox of asynchronous work, and the record of what each handler already applied.

The relay claims, finishes and retries items all the time: those statements are built once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import OUTBOX, PROCESSED
from app.services.records import OutboxItem
from app.telemetry.tracing import traceparent

_ADD = insert(OUTBOX)
_DUE = (
    select(OUTBOX.c.id, OUTBOX.c.topic, OUTBOX.c.payload, OUTBOX.c.attempts, OUTBOX.c.traceparent)
    .where(OUTBOX.c.done_at.is_(None))
    .where(OUTBOX.c.available_at <= bindparam("_now"))
    .where(or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < bindparam("_now")))
    .order_by(OUTBOX.c.id)
    .limit(bindparam("_limit"))
    .with_for_update(skip_locked=True)  # PostgreSQL: workers never claim the same row
)
_LEASE = (
    update(OUTBOX)
    .where(OUTBOX.c.id.in_(bindparam("_ids", expanding=True)))
    .values(claimed_until=bindparam("_until"))
)
_DONE = update(OUTBOX).where(OUTBOX.c.id == bindparam("_id")).values(done_at=bindparam("_at"))
_RETRY = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("_id"))
    .values(
        available_at=bindparam("_at"),
        claimed_until=None,
        attempts=OUTBOX.c.attempts + 1,
        last_error=bindparam("_error"),
    )
)
_PROCESSED = (
    select(PROCESSED.c.event_id)
    .where(PROCESSED.c.handler == bindparam("_handler"))
    .where(PROCESSED.c.event_id == bindparam("_event"))
)
_MARK_PROCESSED = insert(PROCESSED)
_BACKLOG = (  # the pending index's first column: no scan of the work done
    select(OUTBOX.c.topic, func.count(), func.min(OUTBOX.c.created_at))
    .where(OUTBOX.c.done_at.is_(None))
    .group_by(OUTBOX.c.topic)
)


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, topic: str, payload: dict[str, Any], now: datetime) -> None:
        """Record work in the caller's transaction; the relay delivers it once that commits,
        in the trace of the span under way (the request's, or the handler's that wrote it)."""
        values = {
            "created_at": now,
            "available_at": now,
            "attempts": 0,
            "traceparent": traceparent(),
        }
        await self._session.execute(_ADD, {"topic": topic, "payload": payload, **values})

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxItem]:
        """Due items nobody holds, leased to the caller (a crashed holder's lease runs out)."""
        rows = (await self._session.execute(_DUE, {"_now": now, "_limit": limit})).all()
        if rows:
            ids = [row.id for row in rows]
            await self._session.execute(_LEASE, {"_ids": ids, "_until": now + lease})
        return [
            OutboxItem(row.id, row.topic, row.payload, row.attempts, row.traceparent)
            for row in rows
        ]

    async def done(self, item_id: int, now: datetime) -> None:
        await self._session.execute(_DONE, {"_id": item_id, "_at": now})

    async def retry_later(self, item_id: int, at: datetime, error: str) -> None:
        await self._session.execute(_RETRY, {"_id": item_id, "_at": at, "_error": error[:500]})

    async def release(self, item_ids: list[int]) -> None:
        """Give back items a stopping worker could not finish: due again at once."""
        await self._session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(item_ids))
            .where(OUTBOX.c.done_at.is_(None))
            .values(claimed_until=None)
        )

    async def prune(self, done_before: datetime) -> int:
        """Forget work finished before `done_before`, and the marks of who processed it (the
        outbox's equivalent of trimming a stream). Returns how many items went."""
        result = await self._session.execute(
            delete(OUTBOX)
            .where(OUTBOX.c.done_at.is_not(None))
            .where(OUTBOX.c.done_at < done_before)
            .returning(OUTBOX.c.id)
        )
        gone = list(result.scalars().all())
        if gone:
            await self._session.execute(delete(PROCESSED).where(PROCESSED.c.event_id.in_(gone)))
        return len(gone)

    async def backlog(self) -> list[tuple[str, int, datetime]]:
        """Per kind of work not done yet: how many items, and when the oldest was written."""
        rows = (await self._session.execute(_BACKLOG)).all()
        return [(topic, count, oldest) for topic, count, oldest in rows]

    async def already_processed(self, handler: str, event_id: int) -> bool:
        found = await self._session.execute(_PROCESSED, {"_handler": handler, "_event": event_id})
        return found.first() is not None

    async def mark_processed(self, handler: str, event_id: int, now: datetime) -> None:
        values = {"handler": handler, "event_id": event_id, "at": now}
        await self._session.execute(_MARK_PROCESSED, values)
