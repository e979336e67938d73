"""The relay: pushes committed events to the bus, and hands committed work to its handlers.

It wakes when a transaction that wrote events or work commits (`kick`, also sent across
processes on the bus), and polls as a fallback, so work written by another process or left by a
crashed one is found too. Every process pushes events; only processes that run workers (the
server by default, `trex worker` in the scale-out) claim work. Claims are leases: a worker that
dies keeps its items only until the lease runs out; one that stops cleanly gives back what it
could not finish. On PostgreSQL, workers claim with `FOR UPDATE SKIP LOCKED`, so two never hold
the same item.

Delivery is at least once: a handler that fails is retried later with capped exponential backoff
and jitter; handlers are idempotent, so a second delivery has no second effect.

With tracing on, each delivery is a span (`relay <topic>`) whose parent is the span that wrote
the work (its stored trace context), so a lead's trace runs from the transition that confirmed
it through every handler of its saga; the loop's own polling is not traced.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.trace import SpanKind, Status, StatusCode

from app.services.records import OutboxItem
from app.services.storage import SessionStorage
from app.tasks import TaskRunner
from app.telemetry.metrics import Metrics, age_seconds
from app.telemetry.tracing import Tracer, continuing

log = logging.getLogger("trex.relay")
Handler = Callable[[OutboxItem], Awaitable[None]]
MAX_BACKOFF_SECONDS = 30.0
CLAIM_BATCH = 50
BACKLOG_EVERY_S = 5.0  # how often a worker reads the outbox's backlog for the metrics


class RetryLater(Exception):
    """A handler met a transient failure: deliver the item again later (`after` seconds: the
    handler's own schedule; None: the relay's backoff)."""

    def __init__(self, *args: object, after: float | None = None) -> None:
        super().__init__(*args)
        self.after = after


def backoff(attempts: int, rng: random.Random) -> float:
    """Seconds before the next delivery: exponential from 0.2 s, capped, with full jitter."""
    return rng.uniform(0, min(MAX_BACKOFF_SECONDS, 0.2 * 2**attempts))


class Relay:
    def __init__(
        self,
        storage: SessionStorage,
        handlers: Mapping[str, Handler] | None,
        publish_pending: Callable[[], Awaitable[int]],
        clock: Callable[[], datetime],
        *,
        poll_seconds: float = 1.0,
        lease_seconds: float = 60.0,
        retention_hours: float = 24.0,
        concurrency: int = 8,
        housekeeping: Sequence[Callable[[], Awaitable[object]]] = (),
        tracer: Tracer | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """`handlers` None: this process only pushes events (a server with external workers);
        `tracer` None: tracing is off; `metrics` None: a registry of its own, unread."""
        self._storage = storage
        self._handlers = handlers
        self._publish_pending = publish_pending
        self._clock = clock
        self._poll = poll_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._retention = timedelta(hours=retention_hours)
        self._next_prune = clock()
        # More chores of the same rhythm (retention of personal data), each on its own.
        self._housekeeping = tuple(housekeeping)
        self._concurrency = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._claim_due = True
        self._tasks = TaskRunner()
        self._rng = random.Random()
        self._loop: asyncio.Task[None] | None = None
        self._in_flight: set[int] = set()
        self._tracer = tracer
        self._metrics = metrics or Metrics()
        self._backlog_at = 0.0  # monotonic time of the next backlog reading

    @property
    def runs_workers(self) -> bool:
        return self._handlers is not None

    def kick(self, work: bool = True) -> None:
        """Look now: push pending events, and claim work too when `work` (a commit that wrote
        events only does not cost a claim; the poll claims anyway)."""
        self._claim_due = self._claim_due or work
        self._wake.set()

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="relay")

    async def stop(self, seconds: float = 5) -> None:
        """Stop claiming; let deliveries under way finish for `seconds`; give back the rest."""
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        await self._tasks.drain(seconds)
        if self._in_flight:
            async with self._storage.write() as uow:
                await uow.outbox.release(sorted(self._in_flight))
            log.info("gave back %d unfinished outbox items", len(self._in_flight))
            self._in_flight.clear()

    @property
    def alive(self) -> bool:
        return self._loop is not None and not self._loop.done()

    async def _run(self) -> None:
        # The loop's own statements (claims, pushes, pruning, every second) are not traced;
        # each delivery is, in the trace that wrote its work.
        with suppress_instrumentation():
            await self._loop_forever()

    async def _loop_forever(self) -> None:
        while True:
            self._wake.clear()
            claim, self._claim_due = self._claim_due, False
            try:
                await self.pump(claim=claim)
            except Exception:
                log.exception("relay pass failed; retrying")
                self._claim_due = self._claim_due or claim
            try:
                # Not wait_for: on Python 3.11 it can swallow a cancel that arrives as the wait
                # ends, and stop() then waits forever for a relay that keeps looping.
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()
            except TimeoutError:
                self._claim_due = True

    async def pump(self, *, claim: bool = True) -> int:
        """One pass: push committed events, hand due work to handlers (when `claim`). Returns
        items started."""
        await self._publish_pending()
        if self._handlers is None or not claim:
            return 0
        await self._prune_now_and_then()
        await self._measure_backlog()
        async with self._storage.write() as uow:
            claimed = await uow.outbox.claim_due(self._clock(), self._lease, CLAIM_BATCH)
        for item in claimed:
            self._in_flight.add(item.id)
            self._tasks.spawn(self._deliver(item), name=f"relay:{item.topic}:{item.id}")
        return len(claimed)

    async def _measure_backlog(self) -> None:
        """At most every `BACKLOG_EVERY_S`: the pending count and oldest age per kind."""
        if time.monotonic() < self._backlog_at:
            return
        self._backlog_at = time.monotonic() + BACKLOG_EVERY_S
        async with self._storage.read() as uow:
            backlog = await uow.outbox.backlog()
        now = self._clock()
        self._metrics.outbox_backlog((k, n, age_seconds(now, at)) for k, n, at in backlog)

    async def _prune_now_and_then(self) -> None:
        """Once a minute: drop work done longer ago than the retention, and release the
        vehicle holds that ran out (they already count as available; this tidies the rows)."""
        now = self._clock()
        if now < self._next_prune:
            return
        self._next_prune = now + timedelta(minutes=1)
        async with self._storage.write() as uow:
            pruned = await uow.outbox.prune(now - self._retention)
            released = await uow.leads.release_expired_holds(now)
        if pruned:
            log.info("pruned %d outbox items done before %s", pruned, now - self._retention)
        if released:
            log.info("released %d vehicle holds that ran out", released)
        for chore in self._housekeeping:
            try:
                await chore()
            except Exception:
                log.exception("housekeeping failed; trying again next time")

    async def _deliver(self, item: OutboxItem) -> None:
        if self._tracer is None:
            await self._hand_over(item)
            return
        with (
            continuing(item.traceparent),
            self._tracer.start_as_current_span(
                f"relay {item.topic}",
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.operation.type": "process",
                    "messaging.destination.name": item.topic,
                    "messaging.message.id": str(item.id),
                    "trex.outbox.attempt": item.attempts + 1,
                },
                record_exception=False,  # an error's message may quote what it was about
            ),
        ):
            await self._hand_over(item)

    async def _hand_over(self, item: OutboxItem) -> None:
        handler = (self._handlers or {}).get(item.topic)
        async with self._concurrency:
            try:
                if handler is None:
                    raise LookupError(f"no handler for topic {item.topic}")
                await handler(item)
            except Exception as error:  # noqa: BLE001 - every failure is retried, logged
                await self._retry(item, error)
                return
        async with self._storage.write() as uow:
            await uow.outbox.done(item.id, self._clock())
        self._in_flight.discard(item.id)

    async def _retry(self, item: OutboxItem, error: Exception) -> None:
        delay = backoff(item.attempts, self._rng)
        if isinstance(error, RetryLater) and error.after is not None:
            delay = error.after
        # The kind of failure only: its message may quote a service's answer.
        trace.get_current_span().set_status(Status(StatusCode.ERROR, type(error).__name__))
        level = logging.INFO if isinstance(error, RetryLater) else logging.ERROR
        reason = "transient" if level == logging.INFO else "error"
        self._metrics.relay_retries.labels(item.topic, reason).inc()
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
        async with self._storage.write() as uow:
            await uow.outbox.retry_later(item.id, at, repr(error))
        self._in_flight.discard(item.id)
        self._tasks.spawn(self._wake_at(delay), name="relay:wake")

    async def _wake_at(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.kick()
