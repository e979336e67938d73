"""The buyer's own financing over the API: a seller's invitation, its link as the sandbox's
communications service delivered it, and the buyer's session it opens."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.e2e.client import Api, Flow, operation
from tests.support import answers
from tests.support.waiting import eventually

START = operation("start_workflow")


def applicant(ssn: str) -> dict[str, Any]:
    """The buyer's application; the sandbox bureau decides by the SSN (tests/support/answers)."""
    return {
        **answers.credit_applicant(ssn),
        "unit": "Apt 4B",
        "city": "Cupertino",
        "state": "CA",
    }


def new_phone() -> str:
    return "212555" + str(uuid.uuid4().int % 10_000).zfill(4)


async def invite(api: Api, channel: str = "email") -> tuple[Flow, str]:
    """A seller's private sale with financing, up to the sent invitation (the seller is on
    `selling_confirmation`): the flow, and the buyer's address the link went to."""
    email, phone = f"buyer-{uuid.uuid4().hex[:10]}@example.com", new_phone()
    seller = await api.start("SELLING")
    await seller.submit({"has_buyer": True})
    await seller.submit({"buyer_type": "private"})
    await seller.submit({**answers.PRIVATE_BUYER, "buyer_email": email})
    await seller.submit({"needs_financing": True})
    assert seller.step_id == "buyer_financing_invite", seller.step
    data: dict[str, Any] = {"invite_channel": channel, **seller.step["values"]}
    if channel == "sms":
        data["buyer_phone"] = phone
    await seller.submit(data)
    assert seller.step_id == "selling_confirmation", seller.step
    return seller, email if channel == "email" else f"+1{phone}"


async def invitation_token(api: Api, to: str) -> str:
    """The token in the link the sandbox's communications service delivered to `to`."""
    found: list[dict[str, Any]] = []

    async def delivered() -> bool:
        response = await api.http.get("/sandbox/communications/messages", params={"to": to})
        messages = response.json()["messages"]
        found[:] = [m for m in messages if m["template"] == "financing_invitation"]
        return bool(found)

    await eventually(delivered, f"an invitation to {to}", 10)
    link = found[-1]["data"]["link"]
    return str(parse_qs(urlsplit(link).query)["trex_invitation"][0])


async def apply(api: Api, token: str) -> Flow:
    """The buyer's session the invitation opens (on `financing_intro`)."""
    variables = {"input": {"workflowType": "BUYER_FINANCING", "invitation": token}}
    step = (await api.execute(START, variables))["startWorkflow"]
    return Flow(api, step["session"]["id"], step["started"]["token"], step)


async def invited_buyer(api: Api) -> Flow:
    """A buyer on `financing_intro`, invited by a seller walked for it."""
    _, to = await invite(api)
    return await apply(api, await invitation_token(api, to))


async def lead_statuses(api: Api, flow: Flow, *wanted: str) -> list[dict[str, Any]]:
    """The seller's lead status events replayed from the start, until each of `wanted` arrived."""
    seen: list[dict[str, Any]] = []
    variables = {"sessionId": flow.session_id, "afterSeq": 0}
    async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        for _ in range(100):  # a lead has a dozen events at most: bounded all the same
            if set(wanted) <= {e["status"] for e in seen}:
                break
            message = await updates.next(10)
            assert message["type"] == "next", message
            lead = message["payload"]["data"]["sessionUpdates"]["lead"]
            if lead is not None:
                seen.append(lead)
    assert set(wanted) <= {e["status"] for e in seen}, seen
    return seen
