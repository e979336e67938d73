"""A small circuit breaker, one per service client.

Why our own: on PyPI we looked at `aiobreaker` (last release 1.2.0 in 2021, unmaintained),
`purgatory` (3.0, maintained, asyncio; but circuits live in a factory keyed by name, with a
unit-of-work/message-bus core and optional Redis storage), `circuitbreaker` (2.1, a decorator
with a process-wide `CircuitBreakerMonitor` registry and a wall clock we cannot replace) and
`pybreaker` (synchronous first; Tornado for async). Each brings a registry or global state we
would have to work around, and none lets a test turn the clock. What we need is a few dozen
lines: a per-client instance, no global registry, an injectable clock (`Callable[[], float]`, so
tests move time instead of sleeping), and no I/O of its own, so it is safe on one event loop
without locks.

States: closed → open after `failure_threshold` consecutive failures → half-open once
`reset_seconds` have passed, when one trial call goes through (others still fail fast); the
trial's success closes the circuit, its failure opens it again for another `reset_seconds`. A
trial that never reports back (cancelled) frees its slot after `reset_seconds`. The metrics read
`state` and `openings` when scraped (app.telemetry.metrics), so the breaker keeps no metric.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import StrEnum

from app.integrations.errors import CircuitOpen

log = logging.getLogger("trex.integrations")

Clock = Callable[[], float]


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        service: str,
        *,
        failure_threshold: int = 5,
        reset_seconds: float = 30.0,
        clock: Clock = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or reset_seconds < 0:
            raise ValueError("need failure_threshold >= 1 and reset_seconds >= 0")
        self.service = service
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_started_at: float | None = None
        self.openings = 0  # times the circuit opened, for the metrics

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self.reset_seconds:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def before_call(self) -> None:
        """Let a call through, or raise `CircuitOpen` without making it."""
        state = self.state
        if state is BreakerState.CLOSED:
            return
        now = self._clock()
        if state is BreakerState.HALF_OPEN and not self._trial_pending(now):
            self._trial_started_at = now
            log.info("%s: circuit half-open, letting one trial call through", self.service)
            return
        raise self._refusal(now)

    def raise_if_open(self) -> None:
        """`CircuitOpen` when open (not half-open); no side effect otherwise. A caller about to
        wait before retrying asks this first: an open circuit will refuse the retry anyway."""
        if self.state is BreakerState.OPEN:
            raise self._refusal(self._clock())

    def record_success(self) -> None:
        if self._opened_at is not None:
            log.info("%s: circuit closed, the service answers again", self.service)
        self._failures = 0
        self._opened_at = None
        self._trial_started_at = None

    def record_failure(self) -> None:
        self._failures += 1
        state = self.state
        if state is BreakerState.HALF_OPEN or (
            state is BreakerState.CLOSED and self._failures >= self.failure_threshold
        ):
            self._open()

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._trial_started_at = None
        self.openings += 1
        log.warning(
            "%s: circuit open after %d consecutive failures; failing fast for %.1fs",
            self.service,
            self._failures,
            self.reset_seconds,
        )

    def _refusal(self, now: float) -> CircuitOpen:
        since = self._trial_started_at if self._trial_started_at is not None else self._opened_at
        assert since is not None
        return CircuitOpen(self.service, max(0.0, self.reset_seconds - (now - since)))

    def _trial_pending(self, now: float) -> bool:
        started = self._trial_started_at
        return started is not None and now - started < self.reset_seconds
