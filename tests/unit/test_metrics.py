"""The metrics' registry and its hygiene: one registry per app, names by Prometheus' conventions,
labels from a fixed set whose values are never personal data or ids, exact counts per outcome."""

from __future__ import annotations

import re
import uuid

from prometheus_client.parser import text_string_to_metric_families

from app.bus.rate_limiter import RateLimiter
from app.integrations.breaker import CircuitBreaker
from app.integrations.testing import ManualClock
from app.services.rates import ServiceRates
from app.settings import RateLimits, Settings
from app.telemetry.metrics import ALLOWED_LABELS, Metrics
from tests.support.memory_service import VEHICLE, Process, Reserve, process, stocked
from workflows.commands import Transition
from workflows.outcomes import RateLimited

PERSONAL = [
    re.compile("@"),  # an e-mail address
    re.compile(r"\d{7,}"),  # the digits of a phone number, an SSN, a card
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I),  # an id
]


def value(metrics: Metrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def moves(metrics: Metrics, step: str, outcome: str, command: str = "transition") -> float:
    labels = {"workflow": "small", "version": "1", "command": command, "step": step}
    return value(metrics, "trex_transitions_total", **labels, outcome=outcome)


async def walked(metrics: Metrics) -> Process:
    """One session walked to its end (its lead COMPLETED at once), with refusals on the way:
    an invalid answer, a stale step, an unknown session, a step that is an e-mail address."""
    server = process(stocked(), Reserve(status="COMPLETED"), metrics)
    session = await server.started()
    await server.submit(session, "intro", {"go": "not a boolean"})
    await server.moved(session, "intro", {"go": True})
    await server.submit(session, "intro", {"go": True})  # stale: it is at choose now
    await server.submit(session, "ada@example.com", {"phone": "+14155550123"})
    await server.submit((str(uuid.uuid4()), "token"), "intro", {"go": True})
    await server.moved(session, "choose", {"vehicle_id": VEHICLE})
    await server.moved(session, "confirm", {"confirm": True})
    await server.events.publish_pending()
    return server


def test_each_app_has_a_registry_of_its_own() -> None:
    first, second = Metrics(), Metrics()
    first.sessions_started.labels("small", "1", "intro").inc()
    assert (
        value(
            first, "trex_sessions_started_total", workflow="small", version="1", entry_step="intro"
        )
        == 1
    )
    assert (
        value(
            second, "trex_sessions_started_total", workflow="small", version="1", entry_step="intro"
        )
        == 0
    )


async def test_a_walk_counts_every_command_by_step_and_outcome_exactly() -> None:
    metrics = Metrics()
    await walked(metrics)
    assert moves(metrics, "intro", "invalid") == 1
    assert moves(metrics, "intro", "moved") == 1
    assert moves(metrics, "intro", "stale") == 1
    assert moves(metrics, "intro", "not_found") == 1
    assert moves(metrics, "unknown", "stale") == 1  # the e-mail address as a step: unknown
    assert moves(metrics, "choose", "moved") == moves(metrics, "confirm", "moved") == 1
    total = sum(
        s.value
        for family in metrics.registry.collect()
        if family.name == "trex_transitions"
        for s in family.samples
        if s.name == "trex_transitions_total"
    )
    timed = sum(
        s.value
        for family in metrics.registry.collect()
        if family.name == "trex_transition_duration_seconds"
        for s in family.samples
        if s.name.endswith("_count")
    )
    assert total == timed == 7
    started = {"workflow": "small", "version": "1", "entry_step": "intro"}
    assert value(metrics, "trex_sessions_started_total", **started) == 1
    completed = {"workflow": "small", "version": "1"}
    assert value(metrics, "trex_sessions_completed_total", **completed) == 1
    # Pushed: the start and three moves, each once, a second or more after its commit.
    assert value(metrics, "trex_event_push_delay_seconds_count", type="step_changed") == 4
    assert value(metrics, "trex_event_push_delay_seconds_sum", type="step_changed") >= 4


async def test_a_refusal_by_a_rate_limit_counts_as_rate_limited() -> None:
    metrics = Metrics()
    rates = ServiceRates(RateLimiter(RateLimits(transitions_per_session="1/minute")))
    server = process(stocked(), metrics=metrics, rates=rates)
    session = await server.started()
    await server.moved(session, "intro", {"go": True})
    try:
        await server.service.transition(Transition(*session, "choose", {"vehicle_id": VEHICLE}))
    except RateLimited:
        pass
    else:
        raise AssertionError("the second transition of the minute was not refused")
    assert moves(metrics, "choose", "rate_limited") == 1


async def test_every_label_is_of_the_allowed_set_and_no_value_is_personal() -> None:
    metrics = Metrics()
    await walked(metrics)
    families = list(text_string_to_metric_families(metrics.exposition().decode()))
    assert families
    for family in families:
        for sample in family.samples:
            assert set(sample.labels) <= ALLOWED_LABELS | {"le", "quantile"}, sample
            for label, text in sample.labels.items():
                hits = [p.pattern for p in PERSONAL if p.search(text)]
                assert not hits, f"{sample.name}{{{label}={text!r}}}"


def test_names_follow_the_conventions() -> None:
    for family in text_string_to_metric_families(Metrics().exposition().decode()):
        if not family.name.startswith("trex_"):
            assert family.name.startswith(("process_", "python_")), family.name
            continue
        assert family.type in {"counter", "gauge", "histogram"}, family.name
        if family.type == "histogram":
            assert family.name.endswith("_seconds"), family.name
        for sample in family.samples:
            if family.type == "counter" and not sample.name.endswith("_created"):
                assert sample.name.endswith("_total"), sample.name


def test_a_breakers_state_is_read_when_scraped() -> None:
    metrics, clock = Metrics(), ManualClock()
    breaker = CircuitBreaker("lead-crm", failure_threshold=1, reset_seconds=30, clock=clock)
    metrics.service("lead-crm", breaker)
    assert value(metrics, "trex_external_breaker_state", service="lead-crm") == 0
    breaker.record_failure()
    assert value(metrics, "trex_external_breaker_state", service="lead-crm") == 2
    assert value(metrics, "trex_external_breaker_openings_total", service="lead-crm") == 1
    clock.advance(31)  # no call since: half-open all the same
    assert value(metrics, "trex_external_breaker_state", service="lead-crm") == 1


def test_an_outbox_kind_with_no_work_left_reads_zero() -> None:
    metrics = Metrics()
    metrics.outbox_backlog([("lead.score", 3, 12.5), ("lead.route", 1, 2.0)])
    assert value(metrics, "trex_outbox_pending", kind="lead.score") == 3
    assert value(metrics, "trex_outbox_oldest_age_seconds", kind="lead.score") == 12.5
    metrics.outbox_backlog([("lead.route", 2, 4.0)])
    assert value(metrics, "trex_outbox_pending", kind="lead.score") == 0
    assert value(metrics, "trex_outbox_oldest_age_seconds", kind="lead.score") == 0
    assert value(metrics, "trex_outbox_pending", kind="lead.route") == 2


def test_the_database_pool_is_read_when_scraped() -> None:
    metrics, state = Metrics(), {"out": 0}
    metrics.watch_pool(lambda: (10, state["out"], 0))
    state["out"] = 4
    assert value(metrics, "trex_db_pool_checked_out") == 4
    assert value(metrics, "trex_db_pool_size") == 10


def test_production_refuses_a_short_token_and_the_public_port() -> None:
    unsafe = Settings(env="production", graphiql=False, metrics_token="short", metrics_port=8000)
    faults = "\n".join(unsafe.production_faults())
    assert "TREX_METRICS_TOKEN shorter than 32 characters" in faults
    assert "TREX_METRICS_PORT=PORT" in faults
    safe = Settings(env="production", graphiql=False, metrics_token="t" * 32, metrics_port=9464)
    assert not [f for f in safe.production_faults() if "METRICS" in f]
