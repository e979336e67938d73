"""Two visitors and one vehicle; a credit bureau that is down or too slow."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.client import Api, Flow
from tests.e2e.conftest import quick_settings, start_server
from tests.e2e.financing import applicant, apply, invitation_token, invite
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
    seller, to = await invite(faulty_api)
    await seller.submit(answers.CONTACT)  # the seller never waits for the buyer's check
    assert seller.step_id == "replacement_check"
    flow = await apply(faulty_api, await invitation_token(faulty_api, to))
    await flow.submit({"continue": True})
    await flow.submit(applicant(answers.APPROVED_SSN))
    assert flow.step_id == "credit_check_pending"
    await flow.wait_for("financing_result", seconds=5)
    assert flow.step["outcome"] == "unavailable"
    assert flow.step["canRetry"] is True

    # Nothing was checked: the buyer tries again, and the SSN is asked again.
    cleared = await faulty_api.http.delete("/sandbox/credit-bureau/faults")
    assert cleared.status_code == 200, cleared.text
    for _ in range(5):  # the breaker may still be open for the first try after the fault
        await flow.submit({"retry": True})
        assert flow.step_id == "credit_check", flow.step
        assert "ssn" not in flow.step["values"]
        await flow.submit(applicant(answers.APPROVED_SSN))
        await flow.wait_for("financing_result", seconds=5)
        if flow.step["outcome"] != "unavailable":
            break
    assert flow.step["outcome"] == "approved", flow.step
    await flow.submit({"share_with_seller": "outcome_only"})
    assert flow.step_id == "financing_complete"
