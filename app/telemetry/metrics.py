"""The product's metrics (prometheus-client), in a registry of the app's own.

The composition root builds one `Metrics` per app (or worker) and hands its parts to whatever
records into them; nothing here is module-level, so a test builds its own and reads exactly what
its walk moved. Names follow Prometheus' conventions (`trex_` prefix, `_total` counters, base
units: seconds). Every label is a bounded enum (a workflow, its version, a step id of its
definition, an outcome, a service's name, a status, a kind of work): never an id, a contact or
anything a visitor typed. `ALLOWED_LABELS` lists them; a test holds every metric to it.

The hot path stays cheap: label children are bound once and cached by their values, so a
transition costs two dictionary look-ups, one increment and one observation. What is cheaper to
read than to keep (a breaker's state, the database pool) is read at scrape time by a collector.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from threading import Thread
from typing import Protocol
from wsgiref.simple_server import WSGIServer

from opentelemetry import trace
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

__all__ = ["ALLOWED_LABELS", "CONTENT_TYPE_LATEST", "Metrics", "ServiceMeter", "TransitionMeter"]

# Every label any metric here carries; the runtime's own (gc, python_info) included.
_PRODUCT = ("workflow", "version", "command", "step", "outcome", "entry_step", "kind", "status")
_PARTS = ("reason", "service", "type", "endpoint")
_RUNTIME = ("generation", "implementation", "major", "minor", "patchlevel")
ALLOWED_LABELS = frozenset((*_PRODUCT, *_PARTS, *_RUNTIME))
UNKNOWN_STEP = "unknown"  # a currentStep the definition does not have (never the raw value)
FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
REMOTE = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
PUSH = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0)
BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}


class BreakerView(Protocol):
    """What the metrics read of a circuit breaker (app.integrations.breaker), at scrape time."""

    @property
    def state(self) -> str: ...
    @property
    def openings(self) -> int: ...


PoolStatus = Callable[[], tuple[int, int, int]]  # (size, checked out, overflow)


class TransitionMeter:
    """The transitions of one workflow version, by command, step and outcome, with latency."""

    def __init__(self, metrics: Metrics, workflow: str, version: int, steps: Iterable[str]):
        self._count = metrics.transitions.labels
        self._seconds = metrics.transition_seconds.labels
        self._labels = (workflow, str(version))
        self._steps = frozenset(steps)
        self._children: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}

    def record(self, command: str, step: str, outcome: str, started: float) -> None:
        """One command that began at `started` (`time.perf_counter()`) ended with `outcome`."""
        seconds = time.perf_counter() - started
        key = (command, step if step in self._steps else UNKNOWN_STEP, outcome)
        children = self._children.get(key)
        if children is None:
            labels = (*self._labels, *key)
            children = self._children[key] = (self._count(*labels), self._seconds(*labels))
        children[0].inc()
        children[1].observe(seconds)
        span = trace.get_current_span()  # the operation's, when it is sampled
        if span.is_recording():
            names = ("trex.workflow", "trex.version", "trex.command", "trex.step", "trex.outcome")
            span.set_attributes(dict(zip(names, (*self._labels, *key), strict=True)))


class ServiceMeter:
    """One external service's calls, failed attempts, retries and attempt latency."""

    def __init__(self, metrics: Metrics, service: str) -> None:
        self._calls = {
            outcome: metrics.external_calls.labels(service, outcome)
            for outcome in ("ok", "rejected", "unavailable", "circuit_open", "unexpected")
        }
        self._failures = {
            reason: metrics.external_failures.labels(service, reason)
            for reason in ("timeout", "connection", "status")
        }
        self._retries = metrics.external_retries.labels(service)
        self._seconds = metrics.external_seconds.labels(service)

    def called(self, outcome: str) -> None:
        self._calls[outcome].inc()

    def answered(self, started: float) -> None:
        self._seconds.observe(time.perf_counter() - started)

    def failed(self, reason: str, started: float) -> None:
        self._seconds.observe(time.perf_counter() - started)
        self._failures[reason].inc()

    def retried(self) -> None:
        self._retries.inc()


class _ReadAtScrape(Collector):
    """Breaker states and the database pool, read when scraped rather than kept up to date."""

    def __init__(self) -> None:
        self.breakers: dict[str, BreakerView] = {}
        self.pools: list[PoolStatus] = []

    def collect(self) -> Iterator[Metric]:
        state = GaugeMetricFamily(
            "trex_external_breaker_state",
            "Circuit breaker state per service: 0 closed, 1 half-open, 2 open.",
            labels=["service"],
        )
        opened = CounterMetricFamily(
            "trex_external_breaker_openings_total",
            "Times each service's circuit opened.",
            labels=["service"],
        )
        for service, breaker in sorted(self.breakers.items()):
            state.add_metric([service], BREAKER_STATES[str(breaker.state)])
            opened.add_metric([service], breaker.openings)
        yield state
        yield opened
        yield from self._pool()

    def _pool(self) -> Iterator[Metric]:
        if not self.pools:
            return
        size, checked_out, overflow = self.pools[-1]()
        for name, value, help_ in (
            ("trex_db_pool_size", size, "Connections the pool keeps."),
            ("trex_db_pool_checked_out", checked_out, "Connections in use now."),
            ("trex_db_pool_overflow", overflow, "Connections open beyond the pool's size."),
        ):
            yield GaugeMetricFamily(name, help_, value=value)


class Metrics:
    """Every metric of one app or worker, in its own registry."""

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        for runtime in (ProcessCollector, PlatformCollector, GCCollector):
            runtime(registry=r)
        counter, gauge = partial(Counter, registry=r), partial(Gauge, registry=r)
        histogram = partial(Histogram, registry=r)
        moves = ["workflow", "version", "command", "step", "outcome"]
        self.transitions = counter(
            "trex_transitions_total", "Transition and back commands, by step and outcome.", moves
        )
        self.transition_seconds = histogram(
            "trex_transition_duration_seconds",
            "Time to answer a transition or back command.",
            moves,
            buckets=FAST,
        )
        self.sessions_started = counter(
            "trex_sessions_started_total",
            "Sessions started.",
            ["workflow", "version", "entry_step"],
        )
        self.sessions_completed = counter(
            "trex_sessions_completed_total",
            "Sessions COMPLETED (at their end, every lead done).",
            ["workflow", "version"],
        )
        self.lead_statuses = counter(
            "trex_lead_status_changes_total",
            "Leads reaching a status (the saga's steps).",
            ["kind", "status"],
        )
        self.outbox_pending = gauge("trex_outbox_pending", "Outbox items not done.", ["kind"])
        self.outbox_oldest = gauge(
            "trex_outbox_oldest_age_seconds", "Age of the oldest outbox item not done.", ["kind"]
        )
        self.relay_retries = counter(
            "trex_relay_retries_total",
            "Outbox deliveries that failed and wait to be retried.",
            ["kind", "reason"],
        )
        self.external_calls = counter(
            "trex_external_calls_total",
            "Calls to an external service, by outcome.",
            ["service", "outcome"],
        )
        self.external_failures = counter(
            "trex_external_failures_total",
            "Attempts an external service failed (retries too).",
            ["service", "reason"],
        )
        self.external_retries = counter(
            "trex_external_retries_total", "Attempts made again after a failure.", ["service"]
        )
        self.external_seconds = histogram(
            "trex_external_attempt_duration_seconds",
            "Time of one attempt at a service.",
            ["service"],
            buckets=REMOTE,
        )
        self.websockets_open = gauge("trex_websockets_open", "Open websockets.")
        self.subscriptions_open = gauge(
            "trex_websocket_operations_open", "Operations (subscriptions) live on websockets."
        )
        self.websocket_refusals = counter(
            "trex_websocket_refusals_total", "Handshakes and subscribes refused.", ["reason"]
        )
        self.push_seconds = histogram(
            "trex_event_push_delay_seconds",
            "From an event's commit to its push on the bus.",
            ["type"],
            buckets=PUSH,
        )
        self.http_responses = counter(
            "trex_http_responses_total",
            "HTTP responses, by endpoint and status code.",
            ["endpoint", "status"],
        )
        self._scraped = _ReadAtScrape()
        r.register(self._scraped)
        self._outbox_kinds: set[str] = set()

    def transitions_of(self, workflow: str, version: int, steps: Iterable[str]) -> TransitionMeter:
        return TransitionMeter(self, workflow, version, steps)

    def service(self, name: str, breaker: BreakerView) -> ServiceMeter:
        """The meter of service `name`; its breaker's state is read at each scrape."""
        self._scraped.breakers[name] = breaker
        return ServiceMeter(self, name)

    def watch_pool(self, status: PoolStatus) -> None:
        """The database pool, read at each scrape (`status`: size, checked out, overflow)."""
        self._scraped.pools.append(status)

    def outbox_backlog(self, backlog: Iterable[tuple[str, int, float]]) -> None:
        """(kind, pending, oldest age in seconds) per kind with work; kinds seen before and
        absent now read 0."""
        absent = set(self._outbox_kinds)
        for kind, pending, oldest in backlog:
            self._outbox_kinds.add(kind)
            absent.discard(kind)
            self.outbox_pending.labels(kind).set(pending)
            self.outbox_oldest.labels(kind).set(oldest)
        for kind in absent:
            self.outbox_pending.labels(kind).set(0)
            self.outbox_oldest.labels(kind).set(0)

    def exposition(self) -> bytes:
        """The Prometheus text format of everything (`CONTENT_TYPE_LATEST`)."""
        return generate_latest(self.registry)

    def serve(self, host: str, port: int) -> Callable[[], None]:
        """Serve /metrics on a port of its own, in a thread; returns what stops it."""
        server, thread = start_http_server(port, addr=host, registry=self.registry)
        return lambda: _stop(server, thread)


def age_seconds(now: datetime, then: datetime) -> float:
    """Seconds from `then` to `now`; a naive `then` (as the databases give back) is UTC."""
    return (now - (then if then.tzinfo else then.replace(tzinfo=UTC))).total_seconds()


def _stop(server: WSGIServer, thread: Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(5)
