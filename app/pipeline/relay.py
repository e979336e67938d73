"""The relay: delivers committed work to its handlers and committed events to the bus.

It wakes when a transaction that wrote work commits (`kick`), and polls as a fallback, so work
written by another process or left by a crashed one is found too. Delivery is at least once:
a handler that fails transiently is retried later with capped exponential backoff; handlers are
idempotent, so a second delivery has no second effect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from app.db.database import Database
from app.db.outbox import OutboxItem, OutboxRepository
from app.tasks import TaskRunner

log = logging.getLogger("trex.relay")
Handler = Callable[[OutboxItem], Awaitable[None]]
LEASE = timedelta(seconds=60)
MAX_BACKOFF_SECONDS = 30.0


class RetryLater(Exception):
    """A handler met a transient failure: deliver the item again later."""


def backoff(attempts: int, rng: random.Random) -> float:
    """Seconds before the next delivery: exponential from 0.2 s, capped, with full jitter."""
    return rng.uniform(0, min(MAX_BACKOFF_SECONDS, 0.2 * 2**attempts))


class Relay:
    def __init__(
        self,
        db: Database,
        handlers: Mapping[str, Handler],
        publish_pending: Callable[[], Awaitable[int]],
        clock: Callable[[], datetime],
        *,
        poll_seconds: float = 1.0,
        concurrency: int = 8,
    ) -> None:
        self._db = db
        self._handlers = handlers
        self._publish_pending = publish_pending
        self._clock = clock
        self._poll = poll_seconds
        self._concurrency = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._tasks = TaskRunner()
        self._rng = random.Random()
        self._loop: asyncio.Task[None] | None = None

    def kick(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="relay")

    async def stop(self, seconds: float = 5) -> None:
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        await self._tasks.drain(seconds)

    @property
    def alive(self) -> bool:
        return self._loop is not None and not self._loop.done()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.pump()
            except Exception:
                log.exception("relay pass failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)

    async def pump(self) -> int:
        """One pass: push committed events, hand due work to handlers. Returns items started."""
        await self._publish_pending()
        async with self._db.write() as session:
            claimed = await OutboxRepository(session).claim_due(self._clock(), LEASE, 50)
        for item in claimed:
            self._tasks.spawn(self._deliver(item), name=f"relay:{item.topic}:{item.id}")
        return len(claimed)

    async def _deliver(self, item: OutboxItem) -> None:
        handler = self._handlers.get(item.topic)
        async with self._concurrency:
            try:
                if handler is None:
                    raise LookupError(f"no handler for topic {item.topic}")
                await handler(item)
            except Exception as error:  # noqa: BLE001 - every failure is retried, logged
                await self._retry(item, error)
                return
        async with self._db.write() as session:
            await OutboxRepository(session).done(item.id, self._clock())

    async def _retry(self, item: OutboxItem, error: Exception) -> None:
        delay = backoff(item.attempts, self._rng)
        level = logging.INFO if isinstance(error, RetryLater) else logging.ERROR
        log.log(
            level,
            "%s #%d failed (%s); retry in %.1fs",
            item.topic,
            item.id,
            error,
            delay,
            exc_info=level == logging.ERROR,
        )
        at = self._clock() + timedelta(seconds=delay)
        async with self._db.write() as session:
            await OutboxRepository(session).retry_later(item.id, at, repr(error))
        self._tasks.spawn(self._wake_at(delay), name="relay:wake")

    async def _wake_at(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.kick()
