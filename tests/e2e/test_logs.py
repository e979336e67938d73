"""The production server's log, as a log pipeline reads it: a real server in production mode
with its log captured as JSON, walked through a selling flow with a credit check and a buying
flow to its lead, with distinctive personal values, plus failing requests and refused
subscriptions. Every line is JSON; lines about a session carry its id and a request id; the
`X-Request-Id` a client got is the one its lines carry; nothing personal or secret is in any."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.telemetry.logs import configure
from tests.e2e.client import Api, Flow, operation
from tests.e2e.conftest import production_settings, start_sandbox, start_server
from tests.e2e.financing import applicant, apply, invitation_token
from tests.e2e.walk import ANSWERS, FINANCING, route_to
from tests.support import answers

ORIGIN = "https://cars.logs.example"
CONTACT = {
    **answers.CONTACT,
    "first_name": "Zebulon",
    "last_name": "Quetzalcoatl",
    "email": "zebulon.q@mail.example",
    "phone": "+14155559876",
    "message": "Call after Tuesday lunch.",
}
SELLER_CONTACT = {**CONTACT, "first_name": "Philippa", "email": "philippa.q@mail.example"}
BUYER = {
    **answers.PRIVATE_BUYER,
    "buyer_name": "Octavia Brightwater",
    "buyer_email": "ob@mail.example",
}
APPLICANT = {
    **applicant("412839570"),
    "annual_income": 123_457,
    "full_name": "Philippa Quetzalcoatl",
    "date_of_birth": "1971-03-14",
    "address_line": "77 Sunderland Crescent",
}
PERSONAL = (
    "Zebulon",
    "Quetzalcoatl",
    "Philippa",
    "zebulon.q@mail.example",
    "philippa.q@mail.example",
    "4155559876",
    "Tuesday lunch",
    "Octavia",
    "Brightwater",
    "ob@mail.example",
    "412839570",
    "412-83-9570",
    "123457",
    "123,457",
    "1971-03-14",
    "Sunderland",
    "Apt 4B",
)


@dataclass
class Logged:
    api: Api
    lines: list[str]
    answered: list[httpx.Response]  # every HTTP answer the client got
    tokens: list[str]
    sandbox: Api  # where the buyer's invitation is read, as the buyer's inbox


@pytest.fixture(scope="module")
async def logged(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Logged]:
    sandbox = await start_sandbox()
    folder = tmp_path_factory.mktemp("logs")
    server = await start_server(production_settings(folder, sandbox, subscriptions_per_session=1))
    stream = io.StringIO()
    root, access = logging.getLogger(), logging.getLogger("uvicorn.access")
    levels = root.level, access.level
    handler = configure("INFO", json=True, stream=stream)  # as `trex serve` in production
    access.setLevel(logging.INFO)
    answered: list[httpx.Response] = []

    async def keep(response: httpx.Response) -> None:
        answered.append(response)

    try:
        site = await server.container.sites.create("Log Motors", [ORIGIN])
        headers = {"x-publishable-key": site.publishable_key, "origin": ORIGIN}
        hooks = {"response": [keep]}
        async with (
            httpx.AsyncClient(
                base_url=server.base_url, headers=headers, event_hooks=hooks, timeout=10
            ) as http,
            httpx.AsyncClient(base_url=sandbox.base_url, timeout=10) as inbox,
        ):
            result = Logged(Api(http, server.ws_url), [], answered, [], Api(inbox, ""))
            await _walk_and_refuse(result)
            await server.stop()
        result.lines = stream.getvalue().splitlines()
        yield result
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        access.setLevel(levels[1])
        await sandbox.stop()


async def _buying(api: Api) -> Flow:
    """A buying session walked to its lead, its contact details distinctive."""
    flow = await api.start("BUYING")
    for source, target in route_to("buying_complete")[1:]:
        answer = CONTACT if source == "buying_confirmation" else ANSWERS[(source, target)]
        await flow.submit(answer if isinstance(answer, dict) else answer(flow.step))
        assert flow.step_id == target, flow.step
    return flow


async def _selling(logged: Logged) -> tuple[Flow, Flow]:
    """A selling session to a private buyer, who is invited to apply for financing, to its
    lead; and the buyer's session, through the credit check, to what the buyer shares."""
    api = logged.api
    flow = await api.start("SELLING")
    for answer in ({"has_buyer": True}, {"buyer_type": "private"}, BUYER):
        await flow.submit(answer)
    await flow.submit({"needs_financing": True})
    assert flow.step_id == "buyer_financing_invite", flow.step
    await flow.submit({**flow.step["values"], "invite_channel": "email"})
    await flow.submit(SELLER_CONTACT)
    assert flow.step_id == "replacement_check", flow.step

    token = await invitation_token(logged.sandbox, BUYER["buyer_email"])
    buyer = await apply(api, token)
    await buyer.submit({"continue": True})
    assert buyer.step_id == "credit_check", buyer.step
    result = await buyer.submit(APPLICANT)
    assert result["__typename"] != "ValidationFailed", result
    await buyer.wait_for("financing_result")
    await buyer.submit({"share_with_seller": "outcome_only"})
    assert buyer.step_id == "financing_complete", buyer.step
    return flow, buyer


async def _walk_and_refuse(logged: Logged) -> None:
    api = logged.api
    (selling, financing), buying = await _selling(logged), await _buying(api)
    logged.tokens += [selling.token, financing.token, buying.token]
    # Failing requests: an unreadable body with the client's own request id, a step answered
    # again after it moved on.
    await api.http.post(
        "/graphql", content=b"{not json", headers={"x-request-id": "support-case-42"}
    )
    stale = await buying.submit(CONTACT, step="buying_confirmation")
    assert stale["__typename"] == "StaleStep", stale
    # Refused subscriptions: a wrong token, then one over the session's live subscriptions.
    variables = {"sessionId": selling.session_id}
    async with api.subscribe(operation("session_updates"), variables, "not-the-token") as wrong:
        assert "not found" in json.dumps(await wrong.next())
    replayed = {**variables, "afterSeq": 0}  # its first event at once, the session being done
    async with api.subscribe(operation("session_updates"), replayed, selling.token) as first:
        await first.next()
        async with api.subscribe(operation("session_updates"), variables, selling.token) as over:
            assert (await over.next())["type"] == "error"


def _parsed(logged: Logged) -> list[dict[str, Any]]:
    return [json.loads(line) for line in logged.lines]


async def test_every_line_is_one_json_object(logged: Logged) -> None:
    assert len(logged.lines) > 20
    for line in _parsed(logged):
        assert {"time", "level", "logger", "message"} <= set(line), line
        assert line["time"].endswith("Z")


async def test_lines_about_a_session_carry_its_id_and_a_request_id(logged: Logged) -> None:
    sessions = {
        json.loads(r.text)["data"]["startWorkflow"]["session"]["id"] for r in _starts(logged)
    }
    assert len(sessions) == 3  # the seller's, the buyer's financing, the buying one
    about = [(s, line) for line in _parsed(logged) for s in sessions if s in line["message"]]
    assert len(about) > 15
    for session, line in about:
        assert line.get("session_id") == session, line
        assert line.get("request_id"), line
    steps = {line.get("step") for _, line in about}
    assert {"credit_check", "buying_confirmation"} <= steps
    for _, line in about:
        if "step" in line:
            expected = "buyer_financing" if line["step"] in FINANCING.steps else "trex"
            assert line.get("workflow") == expected, line


async def test_each_answer_names_the_request_id_of_its_lines(logged: Logged) -> None:
    by_id: dict[str, list[dict[str, Any]]] = {}
    for line in _parsed(logged):
        by_id.setdefault(line.get("request_id", ""), []).append(line)
    ids = [r.headers["x-request-id"] for r in logged.answered]
    assert len(set(ids)) == len(ids)  # one per request
    for answer in logged.answered:
        lines = by_id.get(answer.headers["x-request-id"], [])
        assert any(line["logger"] == "uvicorn.access" for line in lines), answer.request.url
    transitions = [r for r in logged.answered if b"mutation Transition" in r.request.content]
    moved = [by_id[r.headers["x-request-id"]] for r in transitions]
    assert all(any(" -> " in line["message"] for line in lines) for lines in moved[:3])
    failed = by_id["support-case-42"]
    assert [line["message"] for line in failed if line["logger"] == "uvicorn.access"] == [
        "POST /graphql 400"
    ]


async def test_a_refused_subscription_is_one_line_without_a_traceback(logged: Logged) -> None:
    refused = [
        line
        for line in _parsed(logged)
        if "not found" in line["message"] or "subscribe refused" in line["message"]
    ]
    assert len(refused) == 2, refused
    for line in refused:
        assert line["level"] == "INFO", line
        assert "exception" not in line
        assert line.get("request_id")
        assert line.get("session_id")
    assert not [line for line in _parsed(logged) if line["level"] in {"ERROR", "CRITICAL"}]


async def test_no_personal_value_nor_token_is_in_any_line(logged: Logged) -> None:
    secrets = [*PERSONAL, *logged.tokens]
    leaked = [(value, line) for line in logged.lines for value in secrets if value in line]
    assert leaked == []


def _starts(logged: Logged) -> list[httpx.Response]:
    return [r for r in logged.answered if b"mutation StartWorkflow" in r.request.content]
