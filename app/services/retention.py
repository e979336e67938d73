"""Retention, run by the relay's housekeeping: nothing personal is kept longer than its use.

- A session that never became a lead is deleted, with its history, events and idempotency
  snapshots, once it has been idle for `session_days`.
- A lead's personal data (its contact and details, its session's personal answers, the
  history's, events' and outbox's personal content) is erased `lead_days` after submission;
  the lead itself (status, score, dealers) stays for the host site's reports.

Each pass works in bounded batches, one transaction each, so a large backlog never holds the
database for long; the next pass goes on where this one stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.services.erasure import Eraser
from app.services.storage import Storage

log = logging.getLogger("trex.retention")
BATCH = 200
BATCHES_PER_PASS = 10


@dataclass(frozen=True, slots=True)
class Swept:
    sessions_deleted: int = 0
    leads_erased: int = 0


class Retention:
    def __init__(
        self,
        storage: Storage,
        eraser: Eraser,
        clock: Callable[[], datetime],
        *,
        session_days: float,
        lead_days: float,
        batch: int = BATCH,
    ) -> None:
        self._storage = storage
        self._eraser = eraser
        self._clock = clock
        self._sessions = timedelta(days=session_days)
        self._leads = timedelta(days=lead_days)
        self._batch = batch

    async def sweep(self) -> Swept:
        """One pass: at most `BATCHES_PER_PASS` batches of each kind."""
        now = self._clock()
        deleted = erased = 0
        for _ in range(BATCHES_PER_PASS):
            count = await self._delete_idle_sessions(now - self._sessions)
            deleted += count
            if count < self._batch:
                break
        for _ in range(BATCHES_PER_PASS):
            count = await self._erase_old_leads(now - self._leads, now)
            erased += count
            if count < self._batch:
                break
        if deleted or erased:
            log.info("retention: %d idle sessions deleted, %d leads erased", deleted, erased)
        return Swept(deleted, erased)

    async def _delete_idle_sessions(self, before: datetime) -> int:
        async with self._storage.write() as uow:
            ids = await uow.personal.idle_sessions_without_lead(before, self._batch)
            if not ids:
                return 0
            await uow.personal.delete_sessions(ids, before)
        return len(ids)

    async def _erase_old_leads(self, before: datetime, now: datetime) -> int:
        async with self._storage.write() as uow:
            leads = await uow.personal.leads_due(before, self._batch)
            if leads:
                sessions = sorted({lead.session_id for lead in leads})
                await self._eraser.erase(uow.personal, sessions, leads, now)
        return len(leads)
