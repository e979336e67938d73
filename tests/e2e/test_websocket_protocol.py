"""graphql-transport-ws as its PROTOCOL.md says: what is no protocol message closes the socket
with 4400 (no traceback); connection_init's payload may be null; an operation refused before
execution is an `error` message (a graphql-ws client's `sink.error`), and the socket stays."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.e2e.client import Api, operation
from tests.e2e.conftest import RunningServer

TRANSPORT = [Subprotocol("graphql-transport-ws")]
INIT = {"type": "connection_init"}


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The server runs in this process: its log lines (uvicorn's included) are captured."""
    caplog.set_level(logging.INFO)
    return caplog


def assert_no_traceback(log: pytest.LogCaptureFixture) -> None:
    failures = [r for r in log.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]
    assert "Traceback" not in log.text


@pytest.fixture
async def ws(running: RunningServer) -> AsyncIterator[ClientConnection]:
    async with connect(running.ws_url, subprotocols=TRANSPORT) as socket:
        yield socket


async def send(ws: ClientConnection, message: Any) -> None:
    await ws.send(message if isinstance(message, str) else json.dumps(message))


async def received(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
    return message


async def acknowledged(ws: ClientConnection, init: dict[str, Any] = INIT) -> None:
    await send(ws, init)
    assert (await received(ws))["type"] == "connection_ack"


async def closed(ws: ClientConnection) -> tuple[int | None, str | None]:
    """The close frame the server sent (after any messages still coming)."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 5)
    except ConnectionClosed as ending:
        return (ending.rcvd.code, ending.rcvd.reason) if ending.rcvd else (None, None)


async def still_open(ws: ClientConnection) -> None:
    await send(ws, {"type": "ping"})
    while (await received(ws))["type"] != "pong":
        pass


@pytest.mark.parametrize(
    ("frame", "named"),
    [
        ("[1, 2]", "a message must be a JSON object"),
        ('"connection_init"', "a message must be a JSON object"),
        ("42", "a message must be a JSON object"),
        ('{"type": ["connection_init"]}', '"type" must be a string'),
        ('{"type": "connection_init", "payload": "x"}', '"payload" must be an object or null'),
    ],
)
async def test_no_protocol_message_closes_with_4400(
    ws: ClientConnection, server_log: pytest.LogCaptureFixture, frame: str, named: str
) -> None:
    await send(ws, frame)
    assert await closed(ws) == (4400, f"Invalid message received: {named}")
    assert_no_traceback(server_log)


@pytest.mark.parametrize(
    ("subscribe", "named"),
    [
        ({"id": "1", "type": "subscribe", "payload": {"query": 42}}, '"payload.query"'),
        ({"id": "1", "type": "subscribe", "payload": {}}, '"payload.query"'),
        ({"id": "1", "type": "subscribe", "payload": "{ __typename }"}, '"payload"'),
        (
            {"id": "1", "type": "subscribe", "payload": {"query": "{ a }", "variables": [1]}},
            '"payload.variables"',
        ),
        ({"id": ["1"], "type": "subscribe", "payload": {"query": "{ a }"}}, '"id"'),
        ({"id": {}, "type": "complete"}, '"id"'),
    ],
)
async def test_a_malformed_subscribe_closes_with_4400_naming_the_field(
    ws: ClientConnection,
    server_log: pytest.LogCaptureFixture,
    subscribe: dict[str, Any],
    named: str,
) -> None:
    await acknowledged(ws)
    await send(ws, subscribe)
    code, reason = await closed(ws)
    assert code == 4400
    assert reason is not None
    assert reason.startswith(f"Invalid message received: {named} must be"), reason
    assert_no_traceback(server_log)


@pytest.mark.parametrize(
    "init",
    [
        {"type": "connection_init", "payload": None},
        INIT,
        {"type": "connection_init", "payload": {}},
    ],
    ids=["null", "absent", "empty"],
)
async def test_connection_init_payload_may_be_null(
    ws: ClientConnection, init: dict[str, Any]
) -> None:
    await acknowledged(ws, init)
    await send(ws, {"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}})
    assert await received(ws) == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"__typename": "Query"}},
    }
    assert (await received(ws))["type"] == "complete"


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        ("subscription { nope }", {}, "Cannot query field 'nope'"),
        (operation("session_updates"), {"sessionId": "nope"}, "Session nope not found."),
        ("query A { __typename } query B { __typename }", {}, "operationName"),
        (operation("session_updates"), {"sessionId": 5.5}, "ID cannot represent"),
    ],
    ids=["invalid", "unknown session", "two operations", "bad variables"],
)
async def test_a_refusal_before_execution_is_an_error_message(
    ws: ClientConnection,
    server_log: pytest.LogCaptureFixture,
    query: str,
    variables: dict[str, Any],
    message: str,
) -> None:
    await acknowledged(ws)
    payload = {"query": query, "variables": variables}
    await send(ws, {"id": "r", "type": "subscribe", "payload": payload})
    refused = await received(ws)
    assert refused["type"] == "error", refused
    assert refused["id"] == "r"
    assert message in refused["payload"][0]["message"], refused
    await still_open(ws)  # and no `complete` came for it
    # The id is free again, and the socket serves the next operation.
    await send(ws, {"id": "r", "type": "subscribe", "payload": {"query": "{ __typename }"}})
    assert (await received(ws))["type"] == "next"
    assert_no_traceback(server_log)


async def test_events_of_a_live_subscription_still_come_as_next(api: Api) -> None:
    flow = await api.start()
    variables = {"sessionId": flow.session_id, "afterSeq": 0}
    async with api.subscribe(operation("session_updates"), variables, flow.token) as updates:
        first = await updates.next()
    assert first["type"] == "next", first
    assert first["payload"]["data"]["sessionUpdates"]["seq"] == 1
