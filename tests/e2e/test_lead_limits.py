"""Inventory abuse: fake leads from one client, holds that never end, repeated messages.

Each client is its own X-Forwarded-For address (uvicorn trusts it from 127.0.0.1), so one test
is many clients; the caps are tight on this module's own servers only."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.db.unit_of_work import SqlStorage
from tests.e2e.client import Api, Flow, operation
from tests.e2e.conftest import RunningServer, quick_settings, start_server
from tests.e2e.test_lead_pipeline import _lead_statuses, _messages
from tests.support import answers

Client = Callable[[str], Awaitable[Api]]


@pytest.fixture
async def tight(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server with two holds and three leads a day per client."""
    server = await start_server(
        quick_settings(tmp_path, holds_per_client=2, leads_per_client_per_day=3)
    )
    yield server
    await server.stop()


@asynccontextmanager
async def clients(server: RunningServer) -> AsyncIterator[Client]:
    """`client(address)`: an API client that the server sees at `address`."""
    opened: list[httpx.AsyncClient] = []

    async def client(address: str) -> Api:
        http = httpx.AsyncClient(
            base_url=server.base_url, timeout=10, headers={"X-Forwarded-For": address}
        )
        opened.append(http)
        return Api(http, server.ws_url)

    try:
        yield client
    finally:
        for http in opened:
            await http.aclose()


def contact(**changes: Any) -> dict[str, Any]:
    """A contact of its own (e-mail and phone), unless `changes` says otherwise."""
    number = uuid.uuid4().int % 10**7
    own = {"email": f"v{uuid.uuid4().hex[:10]}@example.com", "phone": f"+1415{number:07d}"}
    return {**answers.CONTACT, **own, **changes}


async def at_buying_confirmation(api: Api, index: int = 0) -> Flow:
    flow = await api.start("BUYING")
    await flow.submit({"knows_vehicle": True})
    await flow.submit(answers.SEARCH)
    await flow.submit({"vehicle_id": flow.step["vehicles"][index]["id"]})
    await flow.submit({"confirm": True})
    assert flow.step_id == "buying_confirmation", flow.step
    return flow


async def at_selling_confirmation(api: Api) -> Flow:
    flow = await api.start("SELLING")
    await flow.submit({"has_buyer": True})
    await flow.submit({"buyer_type": "private"})
    await flow.submit(answers.PRIVATE_BUYER)
    await flow.submit({"needs_financing": False})
    assert flow.step_id == "selling_confirmation", flow.step
    return flow


async def held_vehicle_ids(server: RunningServer) -> set[str]:
    async with SqlStorage(server.container.db).read() as uow:
        return await uow.inventory.unavailable_ids(datetime.now(UTC))


def assert_refused(result: dict[str, Any], code: str, flow: Flow, step: str) -> None:
    assert result["__typename"] == "TransitionRejected", result
    assert result["code"] == code, result
    assert flow.step_id == step  # stays: nothing was written
    assert "@" not in result["reason"], result["reason"]  # names no personal value
    assert "+1" not in result["reason"], result["reason"]


async def test_a_flood_of_fake_leads_from_one_address_stops_at_the_caps(
    tight: RunningServer,
) -> None:
    async with clients(tight) as client:
        api = await client("203.0.113.7")
        held = []
        for index in range(2):
            flow = await at_buying_confirmation(api, index)
            held.append(flow.step["summary"]["vehicle"]["id"])
            await flow.submit(contact())
            assert flow.step_id == "buying_complete", flow.step
        third = await at_buying_confirmation(api, 2)
        vehicle = third.step["summary"]["vehicle"]["id"]
        assert_refused(
            await third.submit(contact()), "too_many_holds", third, "buying_confirmation"
        )
        assert vehicle not in await held_vehicle_ids(tight)
        assert set(held) <= await held_vehicle_ids(tight)

        selling = await at_selling_confirmation(api)  # a lead without a hold: the third
        await selling.submit(contact())
        assert selling.step_id == "replacement_check", selling.step
        fourth = await at_selling_confirmation(api)
        result = await fourth.submit(contact())
        assert_refused(result, "too_many_leads", fourth, "selling_confirmation")

        other = await at_selling_confirmation(await client("203.0.113.8"))
        await other.submit(contact())  # another client is not affected
        assert other.step_id == "replacement_check", other.step


async def test_one_contact_is_capped_across_client_addresses(tight: RunningServer) -> None:
    """The same person from four addresses, the e-mail and phone written other ways."""
    same = contact()
    digits = same["phone"][2:]
    formatted = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    ways = [
        same,
        {**same, "email": same["email"].upper(), "phone": digits},
        {**same, "email": same["email"].capitalize(), "phone": formatted},
    ]
    async with clients(tight) as client:
        for number, details in enumerate(ways):
            flow = await at_selling_confirmation(await client(f"198.51.100.{number}"))
            await flow.submit(details)
            assert flow.step_id == "replacement_check", flow.step
        visitor = await client("198.51.100.9")
        flow = await at_selling_confirmation(visitor)
        result = await flow.submit(contact(phone=same["phone"]))  # the phone, a 4th time
        assert_refused(result, "too_many_leads", flow, "selling_confirmation")
        rest = await visitor.http.post(
            "/api/workflow/transition",
            json={
                "sessionId": flow.session_id,
                "currentStep": "selling_confirmation",
                "data": contact(email=same["email"].upper()),  # the e-mail, a 4th time
            },
            headers={"Authorization": f"Bearer {flow.token}"},
        )
        assert rest.status_code == 422, rest.text
        assert rest.json()["code"] == "too_many_leads"
        assert same["email"] not in rest.text.lower()


async def test_a_hold_past_its_expiry_lets_another_buyer_take_the_vehicle(tmp_path: Path) -> None:
    server = await start_server(quick_settings(tmp_path, hold_hours=1.5 / 3600))
    try:
        async with clients(server) as client:
            first = await at_buying_confirmation(await client("192.0.2.1"))
            vehicle = first.step["summary"]["vehicle"]["id"]
            await first.submit(contact())
            assert first.step_id == "buying_complete", first.step
            second = await at_buying_confirmation(await client("192.0.2.2"))
            assert second.step["summary"]["vehicle"]["id"] != vehicle  # held: not listed
            await asyncio.sleep(2.0)  # the hold (1.5 s) runs out
            again = await at_buying_confirmation(await client("192.0.2.2"))
            assert again.step["summary"]["vehicle"]["id"] == vehicle  # first in line again
            await again.submit(contact())
            assert again.step_id == "buying_complete", again.step
            assert vehicle in await held_vehicle_ids(server)
    finally:
        await server.stop()


async def test_a_dealer_refusing_the_lead_releases_its_vehicle_at_once(api: Api) -> None:
    flow = await at_buying_confirmation(api)
    vehicle = flow.step["summary"]["vehicle"]["id"]
    variables = {"sessionId": flow.session_id, "afterSeq": flow.step["session"]["seq"]}
    async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        await flow.submit(contact(zip="00400"))  # a ZIP no dealer serves (the sandbox's rule)
        statuses = await _lead_statuses(updates, "REJECTED")
    assert statuses[0] == "SUBMITTED"
    assert "DEALER_ASSIGNED" not in statuses
    assert "COMPLETED" not in statuses
    await flow.reload()
    assert flow.step["leadStatus"] == "REJECTED"
    again = await at_buying_confirmation(api)
    assert again.step["summary"]["vehicle"]["id"] == vehicle  # released: first in line again


async def test_one_address_gets_one_confirmation_for_several_leads(api: Api) -> None:
    same = contact()
    for _ in range(3):
        flow = await at_selling_confirmation(api)
        variables = {"sessionId": flow.session_id, "afterSeq": flow.step["session"]["seq"]}
        async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
            await flow.submit(same)
            await _lead_statuses(updates, "COMPLETED")  # skipped confirmations complete too
    sent = await _messages(api, same["email"])
    assert [m["template"] for m in sent] == ["lead_confirmation"]
