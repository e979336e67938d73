"""A lead from its confirmation step to COMPLETED, through the subscriptions, with the sandbox
services working, refusing, failing and recovering."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.client import Api, Flow, Subscription, operation
from tests.e2e.conftest import quick_settings, start_server
from tests.support import answers

SERVICES = ("lead-crm", "dealer-network", "communications")
POST_SUBMISSION = {"SCORED", "DEALER_ASSIGNED", "CONTACTED"}


@pytest.fixture
async def own_api(tmp_path: Path) -> AsyncIterator[Api]:
    """A server of this test's own: its sandbox faults touch no other test."""
    server = await start_server(quick_settings(tmp_path))
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        yield Api(http, server.ws_url)
    await server.stop()


async def _at_buying_confirmation(api: Api, index: int = 0) -> Flow:
    flow = await api.start("BUYING")
    await flow.submit({"knows_vehicle": True})
    await flow.submit(answers.SEARCH)
    await flow.submit({"vehicle_id": flow.step["vehicles"][index]["id"]})
    await flow.submit({"confirm": True})
    return flow


async def _lead_statuses(updates: Subscription, until: str, seconds: float = 10) -> list[str]:
    statuses: list[str] = []
    async with asyncio.timeout(seconds):
        while until not in statuses:
            event = (await updates.next(seconds))["payload"]["data"]["sessionUpdates"]
            if event["type"] == "LEAD_STATUS":
                statuses.append(event["lead"]["status"])
    return statuses


async def _lead_completed(flow: Flow, seconds: float = 45) -> None:
    """Reload the completion step, as a page would, until its lead is COMPLETED."""
    async with asyncio.timeout(seconds):
        while (await flow.reload())["leadStatus"] != "COMPLETED":  # noqa: ASYNC110 - polling a page
            await asyncio.sleep(0.2)


async def _messages(api: Api, to: str) -> list[dict[str, Any]]:
    response = await api.http.get("/sandbox/communications/messages", params={"to": to})
    assert response.status_code == 200, response.text
    body = response.json()
    messages: list[dict[str, Any]] = body["messages"] if isinstance(body, dict) else body
    return messages


async def _fault(api: Api, service: str, fault: dict[str, object]) -> None:
    response = await api.http.post(f"/sandbox/{service}/faults", json=fault)
    assert response.status_code == 200, response.text


async def test_a_lead_goes_from_confirmation_to_completed_by_push(api: Api) -> None:
    flow = await _at_buying_confirmation(api)
    variables = {"sessionId": flow.session_id, "afterSeq": flow.step["session"]["seq"]}
    async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        contact = {**answers.CONTACT, "email": f"{flow.session_id[:8]}@example.com"}
        await flow.submit(contact)
        assert flow.step["leadStatus"] == "RECEIVED"
        statuses = await _lead_statuses(updates, "COMPLETED")
    assert statuses[0] == "SUBMITTED"
    assert set(statuses[1:4]) == POST_SUBMISSION
    assert statuses[4:] == ["COMPLETED"]
    await flow.reload()
    assert flow.step["session"]["status"] == "COMPLETED"
    assert flow.step["leadStatus"] == "COMPLETED"
    confirmations = await _messages(api, contact["email"])
    assert [m["template"] for m in confirmations] == ["lead_confirmation"]


async def test_the_crm_refusing_a_lead_rejects_it_and_frees_the_vehicle(api: Api) -> None:
    flow = await _at_buying_confirmation(api)
    vehicle_id = flow.step["summary"]["vehicle"]["id"]
    variables = {"sessionId": flow.session_id, "afterSeq": flow.step["session"]["seq"]}
    async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        await flow.submit({**answers.CONTACT, "email": "fraud@blocked.example"})
        statuses = await _lead_statuses(updates, "REJECTED")
    assert statuses == ["REJECTED"]
    await flow.reload()
    assert flow.step["leadStatus"] == "REJECTED"
    again = await _at_buying_confirmation(api)
    assert again.step["summary"]["vehicle"]["id"] == vehicle_id  # released: first in line again


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(
    "fault",
    [{"error_rate": 1.0}, {"down": True}, {"latency_ms": 3_000}],
    ids=["failing", "down", "slow"],
)
async def test_a_failing_service_delays_the_lead_but_loses_nothing(
    own_api: Api, service: str, fault: dict[str, object]
) -> None:
    await _fault(own_api, service, fault)
    flow = await _at_buying_confirmation(own_api)
    variables = {"sessionId": flow.session_id, "afterSeq": flow.step["session"]["seq"]}
    async with own_api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        await flow.submit(answers.CONTACT)
        assert flow.step_id == "buying_complete"  # the visitor never waits for the pipeline
        await asyncio.sleep(1.5)  # the relay retries while the service fails
        await own_api.http.delete(f"/sandbox/{service}/faults")
        statuses = await _lead_statuses(updates, "COMPLETED", seconds=45)
    assert statuses.count("COMPLETED") == 1
    assert statuses.count("SUBMITTED") == 1
    assert set(statuses) == {"SUBMITTED", "COMPLETED"} | POST_SUBMISSION
    sent = await _messages(own_api, answers.CONTACT["email"])
    assert len(sent) == 1  # retried, never sent twice


async def test_every_service_failing_at_once_then_recovering(own_api: Api) -> None:
    for service in SERVICES:
        await _fault(own_api, service, {"error_rate": 1.0})
    flows = [await _at_buying_confirmation(own_api, index) for index in range(3)]
    emails = [f"failing{index}@example.com" for index in range(3)]
    for flow, email in zip(flows, emails, strict=True):
        await flow.submit({**answers.CONTACT, "email": email})
    await asyncio.sleep(1.0)
    for service in SERVICES:
        await own_api.http.delete(f"/sandbox/{service}/faults")
    for flow in flows:
        await _lead_completed(flow)
    references = {flow.step["leadReference"] for flow in flows}
    assert len(references) == 3
    sent = [m for email in emails for m in await _messages(own_api, email)]
    assert sorted(m["data"]["reference"] for m in sent) == sorted(references)
