"""Loading sessions: from this process's cache (injected) when a write will check the row version
anyway, else from storage; a wrong token reads exactly like an unknown session."""

from __future__ import annotations

from app.security import is_id, token_matches
from app.services.rates import ServiceRates
from app.services.records import SessionRecord
from app.services.session_cache import SessionCache
from app.services.storage import SessionStorage
from app.telemetry.logs import bind
from workflows.outcomes import Caller


class SessionLoader:
    def __init__(self, storage: SessionStorage, cache: SessionCache, rates: ServiceRates) -> None:
        self._storage = storage
        self._cache = cache
        self._rates = rates

    async def opened(
        self, session_id: str, token: str | None, cached: bool, caller: Caller
    ) -> tuple[SessionRecord | None, bool]:
        """`recent` within the caller's rates, counted on a request's first pass only
        (`cached`): a second pass, from storage, is the same request."""
        if not cached:
            return await self.recent(session_id, token, cached)
        await self._rates.moving(caller)
        record, recent = await self.recent(session_id, token, cached)
        if record is None:
            await self._rates.failed(caller)
        else:
            await self._rates.moved(session_id)
        return record, recent

    async def recent(
        self, session_id: str, token: str | None, cached: bool
    ) -> tuple[SessionRecord | None, bool]:
        """The session from the cache when `cached` and it is there (True), else from
        storage (False)."""
        record = self._cache.get(session_id) if cached else None
        if record is None:
            return await self.with_token(session_id, token), False
        bound(record)
        if not token_matches(token, record.token_hash):
            return None, True
        return record, True

    async def with_token(self, session_id: str, token: str | None) -> SessionRecord | None:
        record = await self.stored(session_id)
        if record is None or not token_matches(token, record.token_hash):
            return None
        return record

    async def stored(self, session_id: str) -> SessionRecord | None:
        """The session as storage has it now (and so in the cache from here on)."""
        if not is_id(session_id):
            return None
        async with self._storage.read() as uow:
            record = await uow.sessions.get(session_id)
        if record is not None:
            self._cache.put(record)
            bound(record)
        return record

    async def latest(self, session_id: str, seq: int) -> SessionRecord | None:
        """The session as of its event `seq` at least: the cached copy if it is that recent."""
        known = self._cache.get(session_id)
        if known is not None and known.last_seq >= seq:
            return known
        return await self.stored(session_id)

    def keep(self, record: SessionRecord) -> None:
        """A record this process just wrote."""
        self._cache.put(record)

    def forget(self, session_id: str) -> None:
        self._cache.forget(session_id)


def bound(record: SessionRecord) -> None:
    """The session's ids in this request's log lines (app.telemetry.logs), a wrong token's
    refusal included (the id is the caller's own): the step is the one the request answers."""
    bind(
        session_id=record.id,
        workflow=record.workflow,
        step=record.state.current_step,
        host_site=record.host_site_id,
    )
