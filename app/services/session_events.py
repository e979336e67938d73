"""Numbered session events: stored in the transaction that causes them, pushed after commit,
replayed from the database for late or reconnecting subscribers.

A commit hands its events over (`committed(*events)`) and the relay's next pass pushes them
straight from memory. The database is scanned for unpushed events when a commit did not say which
(the lead pipeline), after a failed push, and at least every `SCAN_EVERY_S` seconds, so events of
a process that died between commit and push still go out. Events pushed from memory are marked
as pushed in batches (at most every `MARK_EVERY_S`), not in a write transaction of their own each
time; one pushed twice (found by another process's scan before it is marked) is dropped by its
subscribers, who keep the last seq they saw. Scanned events are marked at once."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any, TypeVar

from app.bus.event_bus import (
    BusUnavailable,
    EventBus,
    SubscriberTooSlow,
    lead_channel,
    session_channel,
    site_channel,
)
from app.services.records import SessionRecord, StoredEvent
from app.services.storage import SessionStorage, SessionUnitOfWork
from app.telemetry.metrics import Metrics, age_seconds
from workflows.outcomes import UpdatesInterrupted

log = logging.getLogger("trex.events")
T = TypeVar("T")
STEP_CHANGED = "STEP_CHANGED"
LEAD_STATUS = "LEAD_STATUS"
SCAN_EVERY_S = 1.0
BATCH = 500
MARK_EVERY_S = 0.1
EVENT_TYPES = (STEP_CHANGED, LEAD_STATUS)


async def write_event(
    uow: SessionUnitOfWork,
    session_id: str,
    type_: str,
    payload: dict[str, Any],
    at: datetime,
    *,
    seq: int | None = None,
) -> StoredEvent | None:
    """Add an event of the session to the open unit of work: the one way events are written.

    `seq`: the number the session's save already took for it (a move); None numbers one more
    event without touching the session's state (lead progress). None if there is no such
    session (erased meanwhile)."""
    if seq is None:
        seq = await uow.sessions.next_seq(session_id)
        if seq is None:
            return None
    event = StoredEvent(session_id, seq, type_, payload, at)
    await uow.events.add(event)
    return event


async def step_changed(uow: SessionUnitOfWork, record: SessionRecord, source: str) -> StoredEvent:
    """The STEP_CHANGED event of a saved move, numbered `record.last_seq`."""
    payload = {"step": record.state.current_step, "source": source}
    event = await write_event(
        uow, record.id, STEP_CHANGED, payload, record.updated_at, seq=record.last_seq
    )
    assert event is not None  # numbered already: written as it is
    return event


class SessionEvents:
    def __init__(
        self,
        storage: SessionStorage,
        bus: EventBus,
        clock: Callable[[], datetime],
        metrics: Metrics | None = None,
    ) -> None:
        """`metrics` None: a registry of its own, which nobody reads."""
        self._storage = storage
        self._bus = bus
        self._clock = clock
        self._listeners: list[Callable[[bool], None]] = []
        self._outage = False
        self._fresh: list[StoredEvent] = []
        self._scan_at = 0.0  # monotonic time of the next scan; 0: the next pass scans
        self._scanned: set[tuple[str, int]] = set()
        self._unmarked: list[StoredEvent] = []
        self._mark_at = 0.0
        push_seconds = (metrics or Metrics()).push_seconds
        self._push_seconds = {kind: push_seconds.labels(kind.lower()) for kind in EVENT_TYPES}

    def when_committed(self, listener: Callable[[bool], None]) -> None:
        """`listener(work)` runs after each commit that wrote events, and work when `work`."""
        self._listeners.append(listener)

    def committed(self, *events: StoredEvent, work: bool = False) -> None:
        """A transaction committed `events` (none named: look in the database)."""
        if events:
            self._fresh.extend(events)
        else:
            self._scan_at = 0.0
        for listener in self._listeners:
            listener(work)

    async def publish_pending(self) -> int:
        """Push committed events that are not pushed yet, oldest first, then mark them.

        A push that fails stays pending and is retried on the next pass; it never fails the
        request that caused the event. Returns how many were pushed."""
        pending, scanned = await self._pending()
        pushed: list[StoredEvent] = []
        for event in pending:
            try:
                for channel in _channels(event):
                    await self._bus.publish(channel, _message(event))
            except BusUnavailable as error:
                self._note_outage(error)
                self._scan_at = 0.0  # the rest wait in the database for the next pass
                break
            except Exception:
                log.exception("push of event %s/%d failed", event.session_id, event.seq)
                self._scan_at = 0.0
                break
            pushed.append(event)
        if pushed and self._outage:
            log.warning("pushes resumed after the bus came back")
            self._outage = False
        self._measure(pushed)
        self._unmarked += pushed
        await self._mark_pushed(now=scanned)
        return len(pushed)

    def _measure(self, pushed: list[StoredEvent]) -> None:
        """Each pushed event's delay from its commit (its time) to now."""
        if pushed:
            now = self._clock()
            for event in pushed:
                self._push_seconds[event.type].observe(age_seconds(now, event.at))

    async def _mark_pushed(self, *, now: bool) -> None:
        """Record what was pushed: `now`, or once `MARK_EVERY_S` has passed since last time."""
        if not self._unmarked or (not now and time.monotonic() < self._mark_at):
            return
        marking, self._unmarked = self._unmarked, []
        self._mark_at = time.monotonic() + MARK_EVERY_S
        async with self._storage.write() as uow:
            await uow.events.mark_published(marking, self._clock())

    async def _pending(self) -> tuple[list[StoredEvent], bool]:
        """This process's fresh events, or every unpushed one when a scan is due (True)."""
        fresh, self._fresh = self._fresh, []
        if time.monotonic() < self._scan_at:
            pending = [e for e in fresh if (e.session_id, e.seq) not in self._scanned]
            self._scanned.clear()
            return pending, False
        await self._mark_pushed(now=True)  # so that the scan does not find them again
        self._scan_at = time.monotonic() + SCAN_EVERY_S
        async with self._storage.read() as uow:
            pending = await uow.events.unpublished(limit=BATCH)
        if len(pending) == BATCH:
            self._scan_at = 0.0  # more are waiting
        # Events committed while this read ran may be in it and in the next fresh batch too.
        self._scanned = {(e.session_id, e.seq) for e in pending}
        return pending, True

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
        async with self._storage.read() as uow:
            return await uow.events.after(session_id, after_seq)


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
