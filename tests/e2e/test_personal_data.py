"""Personal data over the real API: nothing personal or secret in a log record or an error
message, whatever the client sends; a host site erases its customer's data, and only its own."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.db.tables import LEADS, SESSIONS
from app.services.host_sites import NewHostSite
from tests.e2e.client import Api, Flow, operation
from tests.e2e.conftest import RunningServer, quick_settings, start_server
from tests.e2e.financing import applicant, apply, invitation_token, invite
from tests.e2e.walk import walk_to
from tests.support import answers

PERSONAL = (
    "Lovelace",
    "ada@example.com",
    "4155550123",
    "Grace Hopper",
    "grace@example.com",
    "1980-12-09",
    answers.APPROVED_SSN,
    "123-45-6789",
    "1 Infinite Loop",
    "95014",
    "Weekday evenings",
)
TRANSITION = operation("transition")
ERASE = """mutation Erase($input: EraseCustomerDataInput!) { eraseCustomerData(input: $input) {
  __typename ... on CustomerDataErased { sessions leads }
  ... on InvalidErasureRequest { errors { field code message } } } }"""
ORIGIN = "https://cars.acme.example"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    running = await start_server(quick_settings(tmp_path))
    yield running
    await running.stop()


@pytest.fixture
async def api(server: RunningServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        yield Api(http, server.ws_url)


def _text(record: logging.LogRecord) -> str:
    return logging.Formatter().format(record)


async def _post(api: Api, query: str, variables: Any, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"query": query, "variables": variables}
    response = await api.http.post("/graphql", json=body, headers=headers)
    assert response.status_code < 500, response.text
    return response.json()


async def _malformed(api: Api, flow: Flow) -> list[str]:
    """Variables graphql-core refuses while quoting them; each twice (the second time on the
    prepared path). Returns every error message the client got."""
    applicant = answers.credit_applicant("123-45-6789")
    wrong = [
        {"sessionId": flow.session_id, "currentStep": "credit_check", "data": applicant, "x": 1},
        {"sessionId": flow.session_id, "data": {**applicant, **answers.CONTACT}},
        {"sessionId": flow.session_id, "currentStep": [answers.CONTACT["email"]], "data": {}},
        {"sessionId": {"name": "Ada Lovelace"}, "currentStep": "x", "data": {}},
        "ada@example.com",
    ]
    messages = []
    for variables in [*wrong, *wrong]:
        body = await _post(api, TRANSITION, {"input": variables}, flow.token)
        messages += [error["message"] for error in body["errors"]]
    inline = 'mutation { startWorkflow(input: {workflowType: "ada@example.com"}) { __typename } }'
    messages += [e["message"] for e in (await _post(api, inline, {}))["errors"]]
    async with api.subscribe(operation("session_updates"), {"sessionId": 5}, flow.token) as sub:
        messages.append(json.dumps(await sub.next()))
    unknown = {"sessionId": "00000000-0000-4000-8000-000000000000"}
    async with api.subscribe(operation("session_updates"), unknown, "wrong") as sub:
        messages.append(json.dumps(await sub.next()))
    # An id typed as an e-mail address: the client hears its own input back, the log does not.
    echoed = {"sessionId": answers.CONTACT["email"]}
    async with api.subscribe(operation("session_updates"), echoed, flow.token) as sub:
        refused = await sub.next()
        assert "not found" in json.dumps(refused)
    return messages


async def test_no_log_record_or_error_message_carries_personal_data(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    buying = await walk_to(api, "buying_complete")
    selling, to = await invite(api)  # the invitation goes to the buyer's address `to`
    await selling.submit(answers.CONTACT)
    financing = await apply(api, await invitation_token(api, to))
    await financing.submit({"continue": True})
    assert financing.step_id == "credit_check"
    messages = await _malformed(api, financing)
    await financing.submit(applicant(answers.APPROVED_SSN))
    await financing.wait_for("financing_result")
    await financing.submit({"share_with_seller": "outcome_only"})
    assert buying.step_id == "buying_complete"
    assert selling.step_id == "replacement_check"
    assert financing.step_id == "financing_complete"

    records = [_text(record) for record in caplog.records]
    assert any("refused" in text for text in records)  # the refusals were logged, briefly
    personal = (*PERSONAL, to, "Cupertino", "Apt 4B")
    leaked = [(value, text) for text in records + messages for value in personal if value in text]
    assert leaked == []
    assert "Field 'x' is not defined" in " ".join(messages) or "unknown field 'x'" in str(messages)
    refusals = [r for r in caplog.records if r.name == "trex.graphql"]
    assert refusals
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in refusals)
    assert all("\n" not in r.getMessage() for r in refusals)  # one line: no query text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def _site_lead(api: Api, site: NewHostSite, contact: dict[str, Any]) -> Flow:
    headers = {"x-publishable-key": site.publishable_key, "origin": ORIGIN}
    body = {"query": operation("start_workflow"), "variables": {"input": {"workflowType": None}}}
    started = (await api.http.post("/graphql", json=body, headers=headers)).json()
    step = started["data"]["startWorkflow"]
    flow = Flow(api, step["session"]["id"], step["started"]["token"], step)
    for data in ({"intent": "buying"}, {"knows_vehicle": True}, {"make": "Kia"}):
        await flow.submit(data)
    await flow.submit({"vehicle_id": flow.step["vehicles"][0]["id"]})
    await flow.submit({"confirm": True})
    await flow.submit(contact)
    assert flow.step_id == "buying_complete", flow.step
    return flow


async def _held(server: RunningServer, session_id: str) -> str:
    async with server.container.db.read() as session:
        found = await session.execute(select(SESSIONS.c.answers).where(SESSIONS.c.id == session_id))
        leads = await session.execute(
            select(LEADS.c.contact).where(LEADS.c.session_id == session_id)
        )
        return json.dumps([found.scalar_one(), *leads.scalars()])


async def test_a_site_erases_its_customer_and_only_its_own(api: Api, server: RunningServer) -> None:
    acme = await server.container.sites.create("Acme Motors", [ORIGIN])
    other = await server.container.sites.create("Other Cars", ["https://other.example"])
    contact = {**answers.CONTACT, "email": "erase.me@example.com", "phone": "+14155550777"}
    flow = await _site_lead(api, acme, contact)
    by_email = {"input": {"email": "Erase.Me@example.com"}}

    for key in (other.secret_key, "sk_wrong", flow.token, None):
        refused = await api.execute(ERASE, by_email, key)
        assert refused["eraseCustomerData"] == {"__typename": "NothingToErase"}
    assert "erase.me@example.com" in await _held(server, flow.session_id)
    invalid = (await api.execute(ERASE, {"input": {"phone": "call me"}}, acme.secret_key))[
        "eraseCustomerData"
    ]
    assert invalid["__typename"] == "InvalidErasureRequest"
    assert invalid["errors"][0]["field"] == "phone"

    erased = await api.execute(ERASE, by_email, acme.secret_key)

    assert erased["eraseCustomerData"] == {
        "__typename": "CustomerDataErased",
        "sessions": 1,
        "leads": 1,
    }
    held = await _held(server, flow.session_id)
    assert "erase.me@example.com" not in held
    assert "+14155550777" not in held
    again = await api.execute(ERASE, by_email, acme.secret_key)
    assert again["eraseCustomerData"] == {"__typename": "NothingToErase"}
