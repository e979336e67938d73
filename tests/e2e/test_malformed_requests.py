"""Malformed GraphQL and malformed HTTP bodies: refused cleanly, never a 5xx, no internals."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import re
from typing import Any

import httpx
import pytest

from tests.e2e.client import Api, operation
from tests.e2e.conftest import RunningServer

LEAKS = re.compile(r"Traceback|File \"|\.py\b|/work/|site-packages|line \d+, in", re.IGNORECASE)


def assert_clean_refusal(
    response: httpx.Response, *, statuses: tuple[int, ...] = (200, 400)
) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    assert not LEAKS.search(response.text), response.text[:2000]
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        assert isinstance(body, dict), body
        assert body.get("errors"), body
        for error in body["errors"]:
            assert isinstance(error.get("message"), str), error
            assert error["message"], error


def of_type_chain(levels: int) -> str:
    inner = "name"
    for _ in range(levels):
        inner = f"ofType {{ {inner} }}"
    return f'{{ __type(name: "Query") {{ fields {{ type {{ {inner} }} }} }} }}'


def deep_introspection(pairs: int) -> str:
    """`fields { type { fields { type { … } } } }`: 2 × `pairs` levels."""
    inner = "name"
    for _ in range(pairs):
        inner = f"fields {{ type {{ {inner} }} }}"
    return f"{{ __schema {{ types {{ {inner} }} }} }}"


def plain_deep_selection(levels: int) -> str:
    inner = "__typename"
    for _ in range(levels):
        inner = f'session(sessionId: "x") {{ ... on StaleStep {{ step {{ {inner} }} }} }}'
    return f"{{ {inner} }}"


MALFORMED: list[tuple[str, dict[str, Any]]] = [
    ("syntax error", {"json": {"query": "mutation { transition(input: {"}}),
    ("unknown field", {"json": {"query": '{ session(sessionId: "x") { nope } }'}}),
    ("unknown operation", {"json": {"query": "{ __typename }", "operationName": "Nope"}}),
    (
        "wrong variable type",
        {
            "json": {
                "query": operation("transition"),
                "variables": {"input": {"sessionId": "x", "currentStep": 5, "data": {}}},
            }
        },
    ),
    ("missing variables", {"json": {"query": operation("transition")}}),
    ("variables not an object", {"json": {"query": operation("transition"), "variables": [1]}}),
    ("query not a string", {"json": {"query": 42}}),
    ("no query", {"json": {"variables": {}}}),
    ("non-JSON body", {"content": b"not json", "headers": {"content-type": "application/json"}}),
    ("empty body", {"content": b"", "headers": {"content-type": "application/json"}}),
    ("JSON array batch", {"json": [{"query": "{ __typename }"}, {"query": "{ __typename }"}]}),
    ("60 levels deep (introspection)", {"json": {"query": deep_introspection(30)}}),
    ("60 levels deep (fields)", {"json": {"query": plain_deep_selection(60)}}),
    (
        "100 aliases",
        {"json": {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"}},
    ),
    ("many tokens", {"json": {"query": "{ " + "__typename " * 5_000 + "}"}}),
]


@pytest.mark.parametrize(("label", "request_args"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_malformed_graphql_is_refused_without_internals(
    api: Api, label: str, request_args: dict[str, Any]
) -> None:
    response = await api.http.post("/graphql", **request_args)
    assert_clean_refusal(response)


async def test_a_60_level_of_type_chain_is_answered_without_internals(api: Api) -> None:
    """Introspection is outside the depth limit; an `ofType` chain ends in nulls after a few
    levels, so answering it costs nothing. It must still be clean."""
    response = await api.http.post("/graphql", json={"query": of_type_chain(60)})
    assert response.status_code == 200, response.text[:500]
    assert not LEAKS.search(response.text), response.text[:2000]
    body = response.json()
    assert body.get("errors") or body["data"]["__type"]["fields"], body


async def test_get_with_a_query_string_is_refused(api: Api) -> None:
    response = await api.http.get("/graphql", params={"query": "{ __typename }"})
    assert_clean_refusal(response, statuses=(200, 400, 405))
    mutation = "mutation { startWorkflow(input: {}) { __typename } }"
    response = await api.http.get("/graphql", params={"query": mutation})
    assert_clean_refusal(response, statuses=(400, 405))


async def test_a_200_kb_body_gets_413_with_a_json_message(api: Api) -> None:
    padding = "x" * 200_000
    response = await api.http.post(
        "/graphql", json={"query": "{ __typename }", "variables": {"pad": padding}}
    )
    assert response.status_code == 413, response.text[:300]
    assert response.json()["errors"][0]["message"]
    assert not LEAKS.search(response.text)

    async def chunks() -> Any:
        for _ in range(200):
            yield b" " * 1_024

    response = await api.http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text[:300]
    assert response.json()["errors"][0]["message"]


async def test_client_mistakes_are_not_reported_as_internal_errors(api: Api) -> None:
    """A malformed operation is the client's fault: its GraphQL error says what is wrong."""
    cases = {
        "wrong variable type": {
            "query": operation("transition"),
            "variables": {"input": {"sessionId": "x", "currentStep": 5, "data": {}}},
        },
        "missing variables": {"query": operation("transition")},
        "null data": {
            "query": operation("transition"),
            "variables": {
                "input": {"sessionId": "x", "currentStep": "intent_selection", "data": None}
            },
        },
    }
    problems = []
    for label, body in cases.items():
        response = await api.http.post("/graphql", json=body)
        assert_clean_refusal(response)
        messages = [error["message"] for error in response.json()["errors"]]
        if any("internal" in message.lower() for message in messages):
            problems.append(f"{label}: {messages}")
    assert not problems, problems


async def test_deeply_nested_json_body_is_not_a_server_error(api: Api) -> None:
    """Hostile nesting that fits under the body limit: refused, never a 5xx."""
    flow = await api.start()
    depth = 10_000
    data = '{"a":' * depth + "1" + "}" * depth
    body = (
        '{"query": '
        + json.dumps(operation("transition"))
        + ', "variables": {"input": {"sessionId": '
        + json.dumps(flow.session_id)
        + ', "currentStep": "intent_selection", "data": '
        + data
        + "}}}"
    )
    response = await api.http.post(
        "/graphql",
        content=body.encode(),
        headers={"content-type": "application/json", "Authorization": f"Bearer {flow.token}"},
    )
    assert_clean_refusal(response)
    await flow.reload()
    assert flow.step_id == "intent_selection"


@pytest.mark.parametrize("body", [b'"{ __typename }"', b"42", b"null", b"true"])
async def test_a_json_body_that_is_not_an_object_is_not_a_server_error(
    api: Api, body: bytes
) -> None:
    response = await api.http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert_clean_refusal(response)


# Raw bodies, on both APIs: each answer is a 4xx saying what is wrong, and the server logs no
# traceback for any of them.
ENDPOINTS = ("/graphql", "/api/workflow/transition")
JSON_TYPE = {"content-type": "application/json"}
RAW: list[tuple[str, bytes, dict[str, str], int]] = [
    ("non-UTF-8 byte", b'{"query": "{ __typename \xff }"}', JSON_TYPE, 400),
    ("truncated", b'{"query": "{ __typ', JSON_TYPE, 400),
    ("invalid JSON", b"{query: nope}", JSON_TYPE, 400),
    ("JSON scalar", b"42", JSON_TYPE, 400),
    (
        "gzip body",
        gzip.compress(b'{"query": "{ __typename }"}'),
        {**JSON_TYPE, "content-encoding": "gzip"},
        415,
    ),
]


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The server runs in this process: its log lines (uvicorn's included) are captured."""
    caplog.set_level(logging.INFO)
    return caplog


def assert_no_traceback(log: pytest.LogCaptureFixture) -> None:
    failures = [r for r in log.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]
    assert "Traceback" not in log.text


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(("label", "body", "headers", "status"), RAW, ids=[r[0] for r in RAW])
async def test_raw_bodies_get_a_clear_4xx_and_no_traceback(
    api: Api,
    server_log: pytest.LogCaptureFixture,
    path: str,
    label: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    response = await api.http.post(path, content=body, headers=headers)
    assert response.status_code == status, (label, response.status_code, response.text[:300])
    assert not LEAKS.search(response.text), response.text[:2000]
    kind = response.headers["content-type"]
    assert kind.startswith(("application/json", "text/plain")), kind
    message = response.json()["message"] if kind.startswith("application/json") else response.text
    assert message.strip(), response.text
    assert_no_traceback(server_log)


async def test_a_json_array_is_refused_by_rest_and_graphql(api: Api) -> None:
    for path in ENDPOINTS:
        response = await api.http.post(path, content=b"[1, 2]", headers=JSON_TYPE)
        assert response.status_code == 400, (path, response.text)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_rest_refuses_bodies_that_are_not_json_with_415(
    api: Api, server_log: pytest.LogCaptureFixture, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    for path in ("/api/workflow/start", "/api/workflow/transition", "/api/workflow/back"):
        response = await api.http.post(path, content=b'{"workflowType": "buying"}', headers=headers)
        assert response.status_code == 415, (path, response.text)
        body = response.json()
        assert body["code"] == "unsupported_media_type"
        assert "application/json" in body["message"]
    assert_no_traceback(server_log)


async def test_a_client_leaving_mid_body_costs_one_log_line_and_no_traceback(
    running: RunningServer, server_log: pytest.LogCaptureFixture
) -> None:
    host, port = running.base_url.removeprefix("http://").split(":")
    for path in ENDPOINTS:
        _, writer = await asyncio.open_connection(host, int(port))
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000\r\n\r\n"
        )
        writer.write(head.encode() + b'{"query": "{ __ty')
        await writer.drain()
        await asyncio.sleep(0.1)  # the endpoint is reading the body
        writer.close()
        await writer.wait_closed()
    async with asyncio.timeout(5):
        while len(_left(server_log)) < len(ENDPOINTS):  # noqa: ASYNC110 - polling a log
            await asyncio.sleep(0.05)
    assert len(_left(server_log)) == len(ENDPOINTS)  # one line each
    assert_no_traceback(server_log)


def _left(log: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in log.records if "left before its request body ended" in r.getMessage()]


async def test_a_subscription_over_http_is_told_where_subscriptions_are_served(
    api: Api, server_log: pytest.LogCaptureFixture
) -> None:
    """Not "Internal error." with a traceback in the log: the client's mistake, named."""
    flow = await api.start()
    body = {"query": operation("session_updates"), "variables": {"sessionId": flow.session_id}}
    for _ in range(2):  # the second time the document is known to the server
        response = await api.http.post("/graphql", json=body)
        assert_clean_refusal(response)
        messages = [error["message"] for error in response.json()["errors"]]
        assert messages == [
            "Subscriptions are served over websockets (the graphql-transport-ws protocol) only."
        ]
    assert_no_traceback(server_log)
