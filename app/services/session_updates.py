"""The read side of a session: its current step, and the stream of its updates for subscribers.

An update is built once per event and shared by all of the session's subscribers (a page open
in several tabs, a host site watching): the memo of pushed updates is this object's, built with
the service."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator

from app.services.lead_queries import lead_status_event
from app.services.rates import ServiceRates
from app.services.records import StoredEvent
from app.services.session_events import LEAD_STATUS, SessionEvents, interruptible
from app.services.session_loader import SessionLoader
from app.services.step_views import ViewBuilder
from workflows.outcomes import (
    ANONYMOUS,
    Caller,
    Moved,
    NotFound,
    Outcome,
    SessionUpdate,
    UnknownSession,
)

PUSHED_KEPT = 1024
# (session, seq, row version, last seq) of the update; -1s for lead progress, 0s without a view.
UpdateKey = tuple[str, int, int, int]


class SessionUpdates:
    def __init__(
        self,
        loader: SessionLoader,
        events: SessionEvents,
        views: ViewBuilder,
        rates: ServiceRates,
        kept: int = PUSHED_KEPT,
    ) -> None:
        self._loader = loader
        self._events = events
        self._views = views
        self._rates = rates
        self._kept = kept
        self._pushed: OrderedDict[UpdateKey, SessionUpdate] = OrderedDict()

    async def current(
        self, session_id: str, token: str | None, caller: Caller = ANONYMOUS
    ) -> Outcome:
        await self._rates.opening(caller)
        record = await self._loader.with_token(session_id, token)
        if record is None:
            await self._rates.failed(caller)
            return NotFound(session_id)
        return Moved(await self._views.build(record))

    async def updates(
        self,
        session_id: str,
        token: str | None,
        after_seq: int | None,
        caller: Caller = ANONYMOUS,
    ) -> AsyncIterator[SessionUpdate]:
        await self._rates.opening(caller)
        record = await self._loader.with_token(session_id, token)
        if record is None:
            await self._rates.failed(caller)
            raise UnknownSession(session_id)
        start = record.last_seq if after_seq is None else after_seq
        async for event in interruptible(self._events.stream(session_id, start)):
            yield await self._update(session_id, event)

    async def _update(self, session_id: str, event: StoredEvent) -> SessionUpdate:
        """The update an event makes, its step view built once for all subscribers."""
        if event.type == LEAD_STATUS:
            key = (session_id, event.seq, -1, -1)
            known = self._pushed.get(key)
            if known is None:
                lead = lead_status_event(event, for_visitor=True)
                known = SessionUpdate(seq=event.seq, type=event.type, at=event.at, lead=lead)
                self._keep(key, known)
            return known
        latest = await self._loader.latest(session_id, event.seq)
        current = latest is not None and event.payload.get("step") == latest.state.current_step
        if latest is None or not current:
            key = (session_id, event.seq, 0, 0)
        else:
            key = (session_id, event.seq, latest.row_version, latest.last_seq)
        known = self._pushed.get(key)
        if known is None:
            view = await self._views.build(latest) if latest is not None and current else None
            known = SessionUpdate(seq=event.seq, type=event.type, at=event.at, view=view)
            self._keep(key, known)
        return known

    def _keep(self, key: UpdateKey, update: SessionUpdate) -> None:
        self._pushed[key] = update
        if len(self._pushed) > self._kept:
            self._pushed.popitem(last=False)
