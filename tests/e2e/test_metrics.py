"""/metrics on a real server: a walked flow moves the transition counters and histogram by exactly
its transitions per outcome, the saga's statuses and the completion; a failing external service
moves the failures, the retries and the breaker's state; production serves it only behind its
token or on its own port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.client import Api
from tests.e2e.conftest import (
    RunningServer,
    production_settings,
    quick_settings,
    start_sandbox,
    start_server,
)
from tests.support import answers
from tests.support.loopback import free_port
from tests.support.waiting import eventually

TOKEN = "m" * 40
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parsed(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(http: httpx.AsyncClient) -> Samples:
    answer = await http.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return parsed(answer.text)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of `name` over every sample carrying `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def moved_by(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return total(after, name, **labels) - total(before, name, **labels)


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    """A server of this module's own (its counts are this module's walks only), whose breakers
    stay open long enough to be seen open."""
    settings = quick_settings(tmp_path_factory.mktemp("metrics"), breaker_reset_seconds=30)
    running = await start_server(settings)
    yield running
    await running.stop()


@pytest.fixture
async def api(server: RunningServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        yield Api(http, server.ws_url)


async def test_a_walked_flow_moves_the_counters_by_its_transitions(api: Api) -> None:
    before = await scrape(api.http)
    flow = await api.start()
    await flow.submit({"intent": "not a choice"})  # invalid
    await flow.submit({"intent": "buying"})
    await flow.submit({"knows_vehicle": True})
    await flow.submit(answers.SEARCH)
    await flow.submit({"vehicle_id": flow.step["vehicles"][0]["id"]})
    await flow.submit({"confirm": True})
    await flow.submit(answers.CONTACT)
    assert flow.step_id == "buying_complete"
    after = await scrape(api.http)

    def moved(name: str, **labels: str) -> float:
        return moved_by(before, after, name, workflow="trex", **labels)

    walked = ["intent_selection", "vehicle_knowledge", "vehicle_search", "search_results"]
    walked += ["vehicle_selection", "buying_confirmation"]
    for step in walked:
        assert moved("trex_transitions_total", step=step, outcome="moved") == 1, step
    assert moved("trex_transitions_total", outcome="moved") == 6
    assert moved("trex_transitions_total", step="intent_selection", outcome="invalid") == 1
    assert moved("trex_transitions_total") == 7
    assert moved("trex_transition_duration_seconds_count") == 7
    assert moved("trex_transition_duration_seconds_count", outcome="invalid") == 1
    assert moved("trex_sessions_started_total", entry_step="intent_selection") == 1
    assert moved_by(before, after, "trex_http_responses_total", endpoint="graphql") == 8

    async def completed() -> bool:
        now = await scrape(api.http)
        return moved_by(before, now, "trex_sessions_completed_total", workflow="trex") == 1

    await eventually(completed, "the walked session counted COMPLETED")
    done = await scrape(api.http)
    for status in ("SUBMITTED", "SCORED", "DEALER_ASSIGNED", "CONTACTED", "COMPLETED"):
        assert moved_by(before, done, "trex_lead_status_changes_total", status=status) == 1
    assert moved_by(before, done, "trex_event_push_delay_seconds_count") >= 8
    assert total(done, "trex_db_pool_size") > 0


async def test_a_failing_service_moves_failures_retries_and_its_breaker(api: Api) -> None:
    down = await api.http.post("/sandbox/lead-crm/faults", json={"down": True})
    assert down.status_code == 200, down.text
    try:
        before = await scrape(api.http)
        flow = await api.start("BUYING")
        await flow.submit({"knows_vehicle": True})
        await flow.submit(answers.SEARCH)
        await flow.submit({"vehicle_id": flow.step["vehicles"][0]["id"]})
        await flow.submit({"confirm": True})
        await flow.submit(answers.CONTACT)  # the lead: the CRM's registration will fail

        async def open_with_work_waiting() -> bool:
            now = await scrape(api.http)
            return (
                total(now, "trex_external_breaker_state", service="lead-crm") == 2
                and total(now, "trex_outbox_pending", kind="lead.created") >= 1
            )

        await eventually(open_with_work_waiting, "the CRM's breaker open, its work pending")
        after = await scrape(api.http)
        crm = {"service": "lead-crm"}
        assert moved_by(before, after, "trex_external_failures_total", **crm, reason="status") >= 5
        assert moved_by(before, after, "trex_external_retries_total", **crm) >= 2
        assert moved_by(before, after, "trex_external_calls_total", **crm, outcome="ok") == 0
        assert moved_by(before, after, "trex_external_breaker_openings_total", **crm) == 1
        assert moved_by(before, after, "trex_relay_retries_total", kind="lead.created") >= 1
        assert total(after, "trex_outbox_oldest_age_seconds", kind="lead.created") > 0
        assert total(after, "trex_external_breaker_state", service="dealer-network") == 0
    finally:
        await api.http.delete("/sandbox/lead-crm/faults")


async def test_production_serves_metrics_only_behind_its_token_or_on_its_port(
    tmp_path: Path,
) -> None:
    sandbox = await start_sandbox()
    port = free_port()
    untokened = await start_server(production_settings(tmp_path / "a", sandbox, metrics_port=port))
    tokened = await start_server(production_settings(tmp_path / "b", sandbox, metrics_token=TOKEN))
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            assert (await http.get(f"{untokened.base_url}/metrics")).status_code == 404
            own_port = await http.get(f"http://127.0.0.1:{port}/metrics")
            assert own_port.status_code == 200
            assert "# TYPE trex_transitions_total counter" in own_port.text
            url = f"{tokened.base_url}/metrics"
            assert (await http.get(url)).status_code == 401
            wrong = await http.get(url, headers={"Authorization": f"Bearer {TOKEN}x"})
            assert wrong.status_code == 401
            assert wrong.headers["www-authenticate"] == "Bearer"
            served = await http.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
            assert served.status_code == 200
            assert "trex_external_breaker_state" in served.text
    finally:
        await tokened.stop()
        await untokened.stop()
        await sandbox.stop()
