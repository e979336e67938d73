"""Two visitors and one vehicle; a credit bureau that is down or too slow."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.client import Api, Flow
from tests.e2e.conftest import quick_settings, start_server
from tests.support import answers


async def _at_confirmation(api: Api, vehicle_id: str | None = None) -> Flow:
    flow = await api.start("BUYING")
    await flow.submit({"knows_vehicle": True})
    await flow.submit({"make": "Subaru"})
    await flow.submit({"vehicle_id": vehicle_id or flow.step["vehicles"][0]["id"]})
    await flow.submit({"confirm": True})
    assert flow.step_id == "buying_confirmation"
    return flow


async def test_two_visitors_confirming_one_vehicle_one_lead_wins(api: Api) -> None:
    first = await _at_confirmation(api)
    vehicle_id = first.step["summary"]["vehicle"]["id"]
    second = await _at_confirmation(api, vehicle_id)
    results = await asyncio.gather(first.submit(answers.CONTACT), second.submit(answers.CONTACT))
    kinds = sorted(result["__typename"] for result in results)
    assert kinds == ["CompletionStep", "TransitionRejected"]
    loser = first if results[0]["__typename"] == "TransitionRejected" else second
    rejected = results[0] if loser is first else results[1]
    assert rejected["code"] == "vehicle_unavailable"
    assert loser.step_id == "search_results"
    assert loser.step["message"] == rejected["reason"]
    assert vehicle_id not in {vehicle["id"] for vehicle in loser.step["vehicles"]}
    later = await _at_confirmation(api)
    assert later.step["summary"]["vehicle"]["id"] != vehicle_id


@pytest.fixture
async def faulty_api(tmp_path: Path) -> AsyncIterator[Api]:
    server = await start_server(quick_settings(tmp_path, credit_deadline_seconds=0.3))
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        yield Api(http, server.ws_url)
    await server.stop()


@pytest.mark.parametrize(
    "fault",
    [{"down": True}, {"latency_ms": 2_000}, {"error_rate": 1.0}],
    ids=["down", "slow", "failing"],
)
async def test_an_unavailable_bureau_still_lets_the_flow_go_on(
    faulty_api: Api, fault: dict[str, object]
) -> None:
    set_fault = await faulty_api.http.post("/sandbox/credit-bureau/faults", json=fault)
    assert set_fault.status_code == 200, set_fault.text
    flow = await faulty_api.start("SELLING")
    await flow.submit({"has_buyer": True})
    await flow.submit({"buyer_type": "private"})
    await flow.submit(answers.PRIVATE_BUYER)
    await flow.submit({"needs_financing": True})
    await flow.submit(answers.credit_applicant(answers.APPROVED_SSN))
    assert flow.step_id == "credit_check_pending"
    await flow.wait_for("selling_confirmation", seconds=5)
    assert flow.step["credit"]["status"] == "unavailable"
    await flow.submit(answers.CONTACT)
    assert flow.step_id == "replacement_check"
