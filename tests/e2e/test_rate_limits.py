"""The rates of issue 10 against a real server: each refuses with HTTP 429, Retry-After and the
RATE_LIMITED code once its budget is used, and not before; another client address (X-Forwarded-
For, trusted from 127.0.0.1) is unaffected; the budget is shared by GraphQL and REST, and by two
servers on one Redis.

Each test speaks from addresses of its own, so the shared Redis of the scale-out stack (other
tests, other runs) never counts against it."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import RateLimits
from tests import stack
from tests.e2e.client import operation
from tests.e2e.conftest import RunningServer, quick_settings, start_server

RATES = RateLimits(
    sessions_per_address="3/minute",
    transitions_per_address="6/minute",
    subscriptions_per_address="off",
    token_failures_per_address="3/minute",
    transitions_per_session="4/minute",
    sessions_per_site="off",
)
START = operation("start_workflow")
TRANSITION = operation("transition")
BUYING = {"intent": "buying"}


def new_address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


@pytest.fixture(scope="module")
async def limited(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    server = await start_server(quick_settings(tmp_path_factory.mktemp("rates"), rate_limits=RATES))
    yield server
    await server.stop()


@pytest.fixture
async def http(limited: RunningServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=limited.base_url, timeout=10) as client:
        yield client


async def graphql(
    http: httpx.AsyncClient,
    address: str,
    query: str,
    variables: dict[str, Any],
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    sent = {"X-Forwarded-For": address, **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return await http.post("/graphql", json={"query": query, "variables": variables}, headers=sent)


async def start(http: httpx.AsyncClient, address: str, **headers: str) -> httpx.Response:
    return await graphql(http, address, START, {"input": {"workflowType": None}}, headers=headers)


def session_of(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 200, response.text
    step = response.json()["data"]["startWorkflow"]
    return step["session"]["id"], step["started"]["token"]


async def transition(
    http: httpx.AsyncClient, address: str, session_id: str, token: str
) -> httpx.Response:
    """The same first answer each time: a move, then stale steps (every one counts)."""
    step = {
        "sessionId": session_id,
        "currentStep": "intent_selection",
        "data": {"intent": "buying"},
    }
    return await graphql(http, address, TRANSITION, {"input": step}, token)


def assert_answered(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text


def assert_refused(response: httpx.Response, rule_seconds: int = 60) -> None:
    assert response.status_code == 429, response.text
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= rule_seconds
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": wait}
    assert error["message"] == f"Too many requests; retry after {wait} s."


async def test_sessions_per_address_shared_by_graphql_and_rest(http: httpx.AsyncClient) -> None:
    address, other = new_address(), new_address()
    for _ in range(2):
        assert_answered(await start(http, address))
    rest = await http.post("/api/workflow/start", json={}, headers={"X-Forwarded-For": address})
    assert rest.status_code == 200, rest.text
    assert_refused(await start(http, address))
    refused = await http.post("/api/workflow/start", json={}, headers={"X-Forwarded-For": address})
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert refused.json() == {
        "error": "RATE_LIMITED",
        "message": f"Too many requests; retry after {wait} s.",
        "retryAfter": wait,
    }
    assert_answered(await start(http, other))


async def test_transitions_per_session_whoever_sends_them(http: httpx.AsyncClient) -> None:
    address, other = new_address(), new_address()
    session_id, token = session_of(await start(http, address))
    for _ in range(4):
        assert_answered(await transition(http, address, session_id, token))
    assert_refused(await transition(http, address, session_id, token))
    assert_refused(await transition(http, other, session_id, token))  # the session's budget
    another, its_token = session_of(await start(http, address))
    assert_answered(await transition(http, address, another, its_token))


async def test_transitions_per_address_across_sessions(http: httpx.AsyncClient) -> None:
    address, other = new_address(), new_address()
    sessions = [session_of(await start(http, address)) for _ in range(2)]
    for index in range(6):
        assert_answered(await transition(http, address, *sessions[index % 2]))
    assert_refused(await transition(http, address, *sessions[0]))
    assert_answered(await transition(http, other, *sessions[1]))  # within the session's four
    back = {"sessionId": sessions[1][0], "currentStep": "vehicle_knowledge"}
    rest = await http.post(
        "/api/workflow/back",
        json=back,
        headers={"X-Forwarded-For": address, "Authorization": f"Bearer {sessions[1][1]}"},
    )
    assert rest.status_code == 429
    assert int(rest.headers["Retry-After"]) >= 1


async def test_failed_token_checks_lock_the_address_out(http: httpx.AsyncClient) -> None:
    address, other = new_address(), new_address()
    session_id, token = session_of(await start(http, other))
    query = "query($id: ID!) { session(sessionId: $id) { __typename } }"
    for wrong in ("wrong", None):
        answer = await graphql(http, address, query, {"id": session_id}, wrong)
        assert_answered(answer)
        assert answer.json()["data"]["session"]["__typename"] == "SessionNotFound"
    unknown = "00000000-0000-4000-8000-000000000000"
    assert_answered(await transition(http, address, unknown, token))  # an unknown session
    # Three failures used the budget: even the right token is refused now, and a start is not
    # a token check.
    assert_refused(await transition(http, address, session_id, token))
    assert_refused(await graphql(http, address, query, {"id": session_id}, token))
    assert_answered(await start(http, address))
    assert_answered(await transition(http, other, session_id, token))


async def test_sessions_per_site(tmp_path: Path) -> None:
    rates = RateLimits(sessions_per_address="off", sessions_per_site="3/minute")
    server = await start_server(quick_settings(tmp_path, rate_limits=rates))
    try:
        origin = "https://cars.rates.example"
        site = await server.container.sites.create("Rates Motors", [origin])
        keyed = {"X-Publishable-Key": site.publishable_key, "Origin": origin}
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            for _ in range(3):
                assert_answered(await start(http, new_address(), **keyed))
            assert_refused(await start(http, new_address(), **keyed))
            assert_answered(await start(http, new_address()))  # the demo site: its own count
    finally:
        await server.stop()


@pytest.mark.skipif(not stack.SCALEOUT, reason="two servers share counts through Redis only")
async def test_two_servers_share_the_budget(tmp_path: Path) -> None:
    settings = quick_settings(tmp_path, rate_limits=RateLimits(sessions_per_address="2/minute"))
    first = await start_server(settings)
    second = await start_server(quick_settings(tmp_path / "b", rate_limits=settings.rate_limits))
    try:
        address = new_address()
        async with httpx.AsyncClient(base_url=first.base_url, timeout=10) as http:
            for _ in range(2):
                assert_answered(await start(http, address))
        async with httpx.AsyncClient(base_url=second.base_url, timeout=10) as http:
            assert_refused(await start(http, address))
            assert_answered(await start(http, new_address()))
    finally:
        await first.stop()
        await second.stop()
