"""Waiting sessions move on: when their awaited outcome arrives (a credit result), or, when the
process that would have answered stopped, with a stand-in outcome after a grace time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.services.session_loader import SessionLoader
from app.services.session_writes import Conflict, SessionWriter
from app.services.storage import SessionStorage
from app.services.versions import engine_of
from workflows.registry import Registry

log = logging.getLogger("trex.workflow")
ATTEMPTS = 5


class Resumption:
    def __init__(
        self,
        flows: Registry,
        storage: SessionStorage,
        loader: SessionLoader,
        writer: SessionWriter,
        clock: Callable[[], datetime],
    ) -> None:
        self._flows = flows
        self._storage = storage
        self._loader = loader
        self._writer = writer
        self._clock = clock

    async def resume(self, session_id: str, context_update: dict[str, Any]) -> bool:
        """An awaited outcome arrived: move the waiting session on (the push of its event
        shows the new step). Idempotent: a session no longer waiting is left alone."""
        for _ in range(ATTEMPTS):
            record = await self._loader.stored(session_id)
            state = None if record is None else engine_of(self._flows, record).resume(record.state)
            if record is None or state is None:
                return False
            try:
                await self._writer.save_move(record, state, "resume", context_update)
            except Conflict:
                continue
            log.info("session %s resumed at %s", session_id, state.current_step)
            return True
        return False

    async def recover_waiting(self, outcome: dict[str, Any], older_than: timedelta) -> int:
        """Sessions still waiting long after any live process would have answered (theirs
        stopped) get `outcome` and move on."""
        async with self._storage.read() as uow:
            waiting = await uow.sessions.waiting_ids(self._clock() - older_than)
        resumed = [await self.resume(session_id, outcome) for session_id in waiting]
        return sum(resumed)
