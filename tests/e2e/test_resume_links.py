"""Continue later (sendResumeLink, resumeSession): the link the communications service delivered
opens the session at its step with a new token, once; bad input, a wrong token, a used, unknown
or expired link are typed answers; a few links per session; nothing personal in the log."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.db.unit_of_work import SqlStorage
from app.security import hash_token
from app.settings import RateLimits
from app.telemetry.logs import configure
from tests.e2e.client import Api, Flow
from tests.e2e.conftest import (
    RunningServer,
    production_settings,
    quick_settings,
    start_sandbox,
    start_server,
)
from tests.support.waiting import eventually

SEND = """
mutation SendResumeLink($input: SendResumeLinkInput!) {
  sendResumeLink(input: $input) {
    __typename
    ... on ResumeLinkSent { channel expiresAt }
    ... on ResumeLinkInvalid { errors { field code message } }
    ... on ResumeLinkNotSent { code reason }
    ... on SessionNotFound { sessionId }
  }
}"""
RESUME = """
mutation ResumeSession($resumeToken: String!) {
  resumeSession(resumeToken: $resumeToken) {
    __typename
    ... on SessionResumed { step { __typename stepId values session { id } started { id token } } }
    ... on ResumeLinkRefused { code reason }
  }
}"""
PAGE = "http://127.0.0.1:5173/cars/sell?utm=mail#form"


def _email() -> str:
    return f"later-{uuid.uuid4().hex[:10]}@mail.example"


async def send(
    api: Api, flow: Flow, address: str, channel: str = "email", page: str = PAGE, token: str = ""
) -> dict[str, Any]:
    variables = {
        "input": {
            "sessionId": flow.session_id,
            "channel": channel,
            "address": address,
            "returnUrl": page,
        }
    }
    data = await api.execute(SEND, variables, token or flow.token)
    result: dict[str, Any] = data["sendResumeLink"]
    return result


async def resume(api: Api, token: str) -> dict[str, Any]:
    result: dict[str, Any] = (await api.execute(RESUME, {"resumeToken": token}))["resumeSession"]
    return result


async def delivered_link(http: httpx.AsyncClient, path: str, to: str) -> str:
    """The link in the newest resume message the sandbox's communications service holds for
    `to`."""
    found: list[dict[str, Any]] = []

    async def arrived() -> bool:
        messages = (await http.get(path, params={"to": to})).json()["messages"]
        found[:] = [m for m in messages if m["template"] == "resume_link"]
        return bool(found)

    await eventually(arrived, f"a resume link to {to}", 10)
    return str(found[-1]["data"]["link"])


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["trex_resume"][0]


async def walked(api: Api) -> Flow:
    flow = await api.start("SELLING")
    await flow.submit({"has_buyer": True})
    assert flow.step_id == "buyer_type", flow.step
    return flow


MESSAGES = "/sandbox/communications/messages"


async def test_the_link_opens_the_session_at_its_step_with_a_new_token_once(api: Api) -> None:
    flow, to = await walked(api), _email()
    sent = await send(api, flow, to.replace("later", "Later").replace("mail.", "Mail."))
    assert sent["__typename"] == "ResumeLinkSent", sent
    assert sent["channel"] == "EMAIL"
    expires = datetime.fromisoformat(sent["expiresAt"])
    assert timedelta(days=6.9) < expires - datetime.now(UTC) <= timedelta(days=7)
    link = await delivered_link(api.http, MESSAGES, to.replace("later", "Later"))
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://127.0.0.1:5173/cars/sell"
    assert parse_qs(parts.query)["utm"] == ["mail"]
    assert not parts.fragment

    opened = await resume(api, token_of(link))
    assert opened["__typename"] == "SessionResumed", opened
    step = opened["step"]
    assert step["session"]["id"] == flow.session_id
    assert step["stepId"] == "buyer_type"
    new_token = step["started"]["token"]
    assert new_token
    assert new_token != flow.token
    assert step["started"]["id"] == flow.session_id

    # The earlier token no longer opens the session; the new one carries on.
    assert (await flow.reload())["__typename"] == "SessionNotFound"
    moved = await flow.submit({"buyer_type": "private"}, token=new_token)
    assert moved["__typename"] != "SessionNotFound", moved
    again = await resume(api, token_of(link))
    assert again["__typename"] == "ResumeLinkRefused", again
    assert again["code"] == "used"


async def test_an_sms_link_goes_to_the_number_as_the_steps_normalize_it(api: Api) -> None:
    flow, digits = await walked(api), "212555" + str(uuid.uuid4().int % 10_000).zfill(4)
    sent = await send(api, flow, f"1 {digits[:3]} {digits[3:6]} {digits[6:]}", channel="sms")
    assert sent["__typename"] == "ResumeLinkSent", sent
    assert sent["channel"] == "SMS"
    link = await delivered_link(api.http, MESSAGES, f"+1{digits}")
    assert (await resume(api, token_of(link)))["__typename"] == "SessionResumed"


async def test_sending_again_replaces_the_earlier_link(api: Api) -> None:
    flow, to = await walked(api), _email()
    await send(api, flow, to)
    first = token_of(await delivered_link(api.http, MESSAGES, to))
    await send(api, flow, to)
    second = token_of(await delivered_link(api.http, MESSAGES, to))
    assert first != second
    assert (await resume(api, first))["code"] == "unknown"
    assert (await resume(api, second))["__typename"] == "SessionResumed"


async def test_bad_input_names_every_field_and_rule_and_sends_nothing(api: Api) -> None:
    flow = await walked(api)
    refused = await send(api, flow, "not-an-address@", page="https://elsewhere.example/")
    assert refused["__typename"] == "ResumeLinkInvalid", refused
    assert {(e["field"], e["code"]) for e in refused["errors"]} == {
        ("address", "format"),
        ("returnUrl", "origin"),
    }
    assert "not-an-address" not in str(refused)
    fax = await send(api, flow, "x", channel="fax", page="javascript:alert(1)")
    assert {(e["field"], e["code"]) for e in fax["errors"]} == {
        ("channel", "enum"),
        ("returnUrl", "origin"),
    }
    empty = await send(api, flow, "   ")
    assert [(e["field"], e["code"]) for e in empty["errors"]] == [("address", "required")]
    assert (await api.http.get(MESSAGES, params={"to": "not-an-address@"})).json() == {
        "messages": []
    }


async def test_a_wrong_token_is_an_unknown_session(api: Api) -> None:
    flow = await walked(api)
    answer = await send(api, flow, _email(), token="not-the-token")
    assert answer == {"__typename": "SessionNotFound", "sessionId": flow.session_id}


async def test_unknown_and_expired_links_are_refused(api: Api, running: RunningServer) -> None:
    for token in ("nope", "x" * 500, ""):
        refused = await resume(api, token)
        assert refused["__typename"] == "ResumeLinkRefused"
        assert refused["code"] == "unknown"
    flow, to = await walked(api), _email()
    await send(api, flow, to)
    token = token_of(await delivered_link(api.http, MESSAGES, to))
    storage = SqlStorage(running.container.db)  # seven days pass
    async with storage.write() as uow:
        link = await uow.resume_links.by_token(hash_token(token))
        assert link is not None
        await uow.resume_links.put(replace(link, expires_at=datetime.now(UTC) - timedelta(1)))
    expired = await resume(api, token)
    assert expired["__typename"] == "ResumeLinkRefused"
    assert expired["code"] == "expired"
    assert "expired" in expired["reason"]
    assert (await flow.reload())["__typename"] != "SessionNotFound"  # the token still works


@pytest.fixture
async def limited(tmp_path: Path) -> AsyncIterator[Api]:
    rates = RateLimits(resume_links_per_session="2/minute")
    server = await start_server(quick_settings(tmp_path, rate_limits=rates))
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            yield Api(http, server.ws_url)
    finally:
        await server.stop()


async def test_links_are_rate_limited_per_session(limited: Api) -> None:
    flow, other = await walked(limited), await walked(limited)
    for _ in range(2):
        assert (await send(limited, flow, _email()))["__typename"] == "ResumeLinkSent"
    variables = {
        "input": {
            "sessionId": flow.session_id,
            "channel": "email",
            "address": _email(),
            "returnUrl": PAGE,
        }
    }
    headers = {"Authorization": f"Bearer {flow.token}"}
    refused = await limited.http.post(
        "/graphql", json={"query": SEND, "variables": variables}, headers=headers
    )
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert (await send(limited, other, _email()))["__typename"] == "ResumeLinkSent"


async def test_no_address_or_token_in_the_production_log(tmp_path: Path) -> None:
    origin, email, phone = "https://cars.resume.example", _email(), "+14155550123"
    sandbox = await start_sandbox()
    server = await start_server(production_settings(tmp_path, sandbox))
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure("INFO", json=True, stream=stream)
    try:
        site = await server.container.sites.create("Resume Motors", [origin])
        headers = {"x-publishable-key": site.publishable_key, "origin": origin}
        async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=10) as http:
            api = Api(http, server.ws_url)
            flow = await walked(api)
            page = f"{origin}/sell"
            assert (await send(api, flow, email, page=page))["__typename"] == "ResumeLinkSent"
            assert (await send(api, flow, phone, "sms", page))["__typename"] == "ResumeLinkSent"
            bad = await send(api, flow, "zz-not-valid@@", page=page)
            assert bad["__typename"] == "ResumeLinkInvalid"
            messages = f"{sandbox.base_url}/sandbox/communications/messages"
            link = await delivered_link(http, messages, phone)
            assert link.startswith(f"{origin}/sell?trex_resume=")
            opened = await resume(api, token_of(link))
            assert opened["__typename"] == "SessionResumed"
            secrets = [
                email,
                phone,
                phone[2:],
                "zz-not-valid",
                token_of(link),
                flow.token,
                opened["step"]["started"]["token"],
            ]
        await server.stop()
        # The server's lines (this test's own reads of the sandbox's inbox are logged too).
        own = f"GET {sandbox.base_url}/sandbox/communications/messages"
        log = "\n".join(line for line in stream.getvalue().splitlines() if own not in line)
        assert "resume link sent for session" in log
        assert "resumed from a link" in log
        for secret in secrets:
            assert secret not in log, secret
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        await sandbox.stop()
