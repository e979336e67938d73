"""Numbered session events: stored in the transaction that causes them, pushed after commit,
replayed from the database for late or reconnecting subscribers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime

from app.db.database import Database
from app.db.repositories import SessionRecord, SessionRepository, StoredEvent
from app.events import EventBus, session_channel

log = logging.getLogger("trex.events")
STEP_CHANGED = "STEP_CHANGED"


class SessionEvents:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self._db = db
        self._bus = bus

    def record(self, repo: SessionRepository, record: SessionRecord, source: str) -> StoredEvent:
        """Add the STEP_CHANGED event numbered `record.last_seq` to the open transaction."""
        event = StoredEvent(
            session_id=record.id,
            seq=record.last_seq,
            type=STEP_CHANGED,
            payload={"step": record.state.current_step, "source": source},
            at=record.updated_at,
        )
        repo.add_event(event)
        return event

    async def publish(self, event: StoredEvent) -> None:
        """Push a committed event. A failed push loses nothing: subscribers replay from the
        database, so it must never fail the request that caused it."""
        message = {
            "seq": event.seq,
            "type": event.type,
            "payload": event.payload,
            "at": event.at.isoformat(),
        }
        try:
            await self._bus.publish(session_channel(event.session_id), message)
        except Exception:
            log.exception("push of event %s/%d failed", event.session_id, event.seq)

    async def stream(self, session_id: str, after_seq: int) -> AsyncIterator[StoredEvent]:
        """Every event after `after_seq`, in order, once each: the stored ones, then live."""
        last = after_seq
        async with self._bus.subscribe(session_channel(session_id)) as live:
            for event in await self._stored(session_id, last):
                last = event.seq
                yield event
            async for message in live:
                seq = int(message["seq"])
                if seq <= last:
                    continue
                missed = await self._stored(session_id, last) if seq > last + 1 else []
                for event in missed or [_live_event(session_id, message)]:
                    if event.seq > last:
                        last = event.seq
                        yield event

    async def _stored(self, session_id: str, after_seq: int) -> list[StoredEvent]:
        async with self._db.read() as session:
            return await SessionRepository(session).events_after(session_id, after_seq)


def _live_event(session_id: str, message: dict[str, object]) -> StoredEvent:
    payload = message["payload"]
    return StoredEvent(
        session_id=session_id,
        seq=int(str(message["seq"])),
        type=str(message["type"]),
        payload=payload if isinstance(payload, dict) else {},
        at=datetime.fromisoformat(str(message["at"])),
    )
