"""The outbox of asynchronous work, and the record of what each handler already applied."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db.tables import OUTBOX, OutboxRow, ProcessedRow
from app.services.records import OutboxItem


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, topic: str, payload: dict[str, Any], now: datetime) -> None:
        """Record work in the caller's transaction; the relay delivers it once that commits."""
        await self._session.execute(
            insert(OUTBOX).values(
                topic=topic, payload=payload, created_at=now, available_at=now, attempts=0
            )
        )

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxItem]:
        """Due items nobody holds, leased to the caller (a crashed holder's lease runs out)."""
        query = (
            select(OutboxRow)
            .where(col(OutboxRow.done_at).is_(None))
            .where(col(OutboxRow.available_at) <= now)
            .where(or_(col(OutboxRow.claimed_until).is_(None), col(OutboxRow.claimed_until) < now))
            .order_by(col(OutboxRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL: workers never claim the same row
        )
        rows = (await self._session.execute(query)).scalars().all()
        for row in rows:
            row.claimed_until = now + lease
        return [OutboxItem(row.id or 0, row.topic, row.payload, row.attempts) for row in rows]

    async def done(self, item_id: int, now: datetime) -> None:
        await self._session.execute(
            update(OutboxRow).where(col(OutboxRow.id) == item_id).values(done_at=now)
        )

    async def retry_later(self, item_id: int, at: datetime, error: str) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(col(OutboxRow.id) == item_id)
            .values(
                available_at=at,
                claimed_until=None,
                attempts=col(OutboxRow.attempts) + 1,
                last_error=error[:500],
            )
        )

    async def release(self, item_ids: list[int]) -> None:
        """Give back items a stopping worker could not finish: due again at once."""
        await self._session.execute(
            update(OutboxRow)
            .where(col(OutboxRow.id).in_(item_ids))
            .where(col(OutboxRow.done_at).is_(None))
            .values(claimed_until=None)
        )

    async def prune(self, done_before: datetime) -> int:
        """Forget work finished before `done_before`, and the marks of who processed it (the
        outbox's equivalent of trimming a stream). Returns how many items went."""
        result = await self._session.execute(
            delete(OutboxRow)
            .where(col(OutboxRow.done_at).is_not(None))
            .where(col(OutboxRow.done_at) < done_before)
            .returning(col(OutboxRow.id))
        )
        gone = list(result.scalars().all())
        if gone:
            await self._session.execute(
                delete(ProcessedRow).where(col(ProcessedRow.event_id).in_(gone))
            )
        return len(gone)

    async def already_processed(self, handler: str, event_id: int) -> bool:
        return await self._session.get(ProcessedRow, (handler, event_id)) is not None

    def mark_processed(self, handler: str, event_id: int, now: datetime) -> None:
        self._session.add(ProcessedRow(handler=handler, event_id=event_id, at=now))
