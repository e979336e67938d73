"""Numbered session events: stored in the transaction that causes them, pushed after commit,
replayed from the database for late or reconnecting subscribers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import TypeVar

from app.db.database import Database
from app.db.repositories import SessionRecord, SessionRepository, StoredEvent
from app.events import (
    BusUnavailable,
    EventBus,
    SubscriberTooSlow,
    lead_channel,
    session_channel,
    site_channel,
)
from workflows.views import UpdatesInterrupted

log = logging.getLogger("trex.events")
T = TypeVar("T")
STEP_CHANGED = "STEP_CHANGED"
LEAD_STATUS = "LEAD_STATUS"


class SessionEvents:
    def __init__(self, db: Database, bus: EventBus, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._bus = bus
        self._clock = clock
        self._listeners: list[Callable[[bool], None]] = []
        self._outage = False

    def record(self, repo: SessionRepository, record: SessionRecord, source: str) -> None:
        """Add the STEP_CHANGED event numbered `record.last_seq` to the open transaction."""
        payload = {"step": record.state.current_step, "source": source}
        repo.add_event(
            StoredEvent(record.id, record.last_seq, STEP_CHANGED, payload, record.updated_at)
        )

    def when_committed(self, listener: Callable[[bool], None]) -> None:
        """`listener(work)` runs after each commit that wrote events, and work when `work`."""
        self._listeners.append(listener)

    def committed(self, work: bool = False) -> None:
        for listener in self._listeners:
            listener(work)

    async def publish_pending(self) -> int:
        """Push committed events that are not pushed yet, oldest first, then mark them.

        A push that fails stays pending and is retried on the next pass; it never fails the
        request that caused the event. Returns how many were pushed."""
        async with self._db.read() as session:
            pending = await SessionRepository(session).unpublished_events(limit=500)
        pushed: list[StoredEvent] = []
        for event in pending:
            try:
                for channel in _channels(event):
                    await self._bus.publish(channel, _message(event))
            except Exception:
                log.exception("push of event %s/%d failed", event.session_id, event.seq)
                break
            pushed.append(event)
        if pushed and self._outage:
            log.warning("pushes resumed after the bus came back")
            self._outage = False
        if pushed:
            async with self._db.write() as session:
                await SessionRepository(session).mark_published(pushed, self._clock())
        return len(pushed)

    def _note_outage(self, error: Exception) -> None:
        """One warning per outage, not one traceback per pass."""
        if not self._outage:
            log.warning("pushes paused, events wait in the database: %s", error)
            self._outage = True

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


async def interruptible(events: AsyncIterator[T]) -> AsyncIterator[T]:
    """The stream, with the bus's own ways of ending it turned into `UpdatesInterrupted`."""
    try:
        async for event in events:
            yield event
    except (SubscriberTooSlow, BusUnavailable) as error:
        raise UpdatesInterrupted(str(error)) from error


def _channels(event: StoredEvent) -> list[str]:
    """A session's events go to its channel; lead progress also to the lead's and its site's."""
    channels = [session_channel(event.session_id)]
    if event.type == LEAD_STATUS:
        channels += [
            lead_channel(str(event.payload["lead_id"])),
            site_channel(str(event.payload["site"])),
        ]
    return channels


def _message(event: StoredEvent) -> dict[str, object]:
    return {
        "seq": event.seq,
        "type": event.type,
        "payload": event.payload,
        "at": event.at.isoformat(),
    }


def _live_event(session_id: str, message: dict[str, object]) -> StoredEvent:
    payload = message["payload"]
    return StoredEvent(
        session_id=session_id,
        seq=int(str(message["seq"])),
        type=str(message["type"]),
        payload=payload if isinstance(payload, dict) else {},
        at=datetime.fromisoformat(str(message["at"])),
    )
