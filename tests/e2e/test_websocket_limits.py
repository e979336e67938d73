"""Websockets on /graphql under abuse: who may open one, how big a message may be, how long a
socket may stay silent, how many sockets and subscriptions one client may hold, how often it
may subscribe. A server of its own with small limits; each client is its own address
(X-Forwarded-For from loopback, which uvicorn trusts), fresh for every run."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from tests.e2e.client import Api, operation
from tests.e2e.conftest import RunningServer, quick_settings, start_server
from tests.support.waiting import eventually

TRANSPORT = [Subprotocol("graphql-transport-ws")]
CONNECTIONS, SUBSCRIPTIONS, SUBSCRIBES_PER_MINUTE = 3, 2, 8
LEAD_STATUS = "subscription { leadStatus { leadId status } }"


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    settings = quick_settings(
        tmp_path_factory.mktemp("ws-limits"),
        ws_init_timeout_seconds=0.5,
        ws_connections_per_address=CONNECTIONS,
        subscriptions_per_session=SUBSCRIPTIONS,
    )
    rates = replace(
        settings.rate_limits, subscriptions_per_address=f"{SUBSCRIBES_PER_MINUTE}/minute"
    )
    running = await start_server(replace(settings, rate_limits=rates))
    yield running
    await running.stop()


@pytest.fixture
def address() -> str:
    """This test's own client address (documentation range, random: the scale-out stack's
    Redis outlives a run)."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def opening(
    server: RunningServer,
    address: str,
    *,
    origin: str | None = None,
    subprotocols: list[Subprotocol] | None = TRANSPORT,
) -> Any:
    return connect(
        server.ws_url,
        subprotocols=subprotocols,
        origin=origin,  # type: ignore[arg-type]
        additional_headers={"X-Forwarded-For": address},
        open_timeout=5,
    )


async def initialised(ws: ClientConnection, token: str | None = None) -> ClientConnection:
    payload = {"authorization": f"Bearer {token}"} if token else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert (await received(ws))["type"] == "connection_ack"
    return ws


async def received(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
    return message


async def subscribe(ws: ClientConnection, op_id: str, query: str, **variables: Any) -> None:
    payload = {"query": query, "variables": variables}
    await ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))


async def still_open(ws: ClientConnection) -> None:
    await ws.send(json.dumps({"type": "ping"}))
    while (await received(ws))["type"] != "pong":
        pass


async def refused_status(server: RunningServer, address: str, **options: Any) -> int:
    with pytest.raises(InvalidStatus) as refused:
        async with opening(server, address, **options):
            pass
    return refused.value.response.status_code


async def test_a_registered_origin_opens_a_socket(server: RunningServer, address: str) -> None:
    origin = f"https://cars-{secrets.token_hex(4)}.example"
    await server.container.sites.create("Acme", [origin])
    async with opening(server, address, origin=origin) as ws:
        await still_open(await initialised(ws))


async def test_another_origin_is_refused_at_the_handshake(
    server: RunningServer, address: str
) -> None:
    stranger = f"https://cars-{secrets.token_hex(4)}.example"
    assert await refused_status(server, address, origin=stranger) == 403


async def test_a_server_side_client_without_origin_opens_a_socket(
    server: RunningServer, address: str
) -> None:
    async with opening(server, address) as ws:
        await still_open(await initialised(ws))


async def test_the_legacy_subprotocol_is_refused_at_the_handshake(
    server: RunningServer, address: str
) -> None:
    legacy = [Subprotocol("graphql-ws")]
    assert await refused_status(server, address, subprotocols=legacy) == 403
    assert await refused_status(server, address, subprotocols=None) == 403


async def test_compression_is_not_negotiated(server: RunningServer, address: str) -> None:
    """The client offers permessage-deflate; the server declines, so sizes are real sizes."""
    async with opening(server, address) as ws:
        assert ws.response is not None
        assert "sec-websocket-extensions" not in ws.response.headers


async def test_a_message_over_64_kib_closes_with_1009(server: RunningServer, address: str) -> None:
    async with opening(server, address) as ws:
        await initialised(ws)
        query = "{ __typename }" + " " * (100 * 1024)
        await subscribe(ws, "big", query)
        with pytest.raises(ConnectionClosed) as closed:
            await received(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


async def test_no_connection_init_closes_the_socket(server: RunningServer, address: str) -> None:
    async with opening(server, address) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await received(ws)  # sent nothing; the timeout is 0.5 s here
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4408


async def test_open_sockets_per_address_are_capped(server: RunningServer, address: str) -> None:
    async with AsyncExitStack() as sockets:
        first = [await sockets.enter_async_context(opening(server, address)) for _ in range(3)]
        assert len(first) == CONNECTIONS
        assert await refused_status(server, address) == 403
        async with opening(server, f"{address}1") as elsewhere:  # another client is not
            await still_open(await initialised(elsewhere))
        await first[0].close()

        async def admitted() -> bool:
            try:
                async with opening(server, address) as again:
                    await still_open(await initialised(again))
            except InvalidStatus:
                return False
            return True

        # the server notices the close, then frees its slot
        await eventually(admitted, "a connection admitted after one closed", 5)


async def test_subscriptions_per_session_are_capped_across_sockets(
    server: RunningServer, address: str
) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        flow = await Api(http, server.ws_url).start()
    updates, session = operation("session_updates"), flow.session_id
    async with opening(server, address) as one, opening(server, address) as two:
        await subscribe(await initialised(one, flow.token), "a", updates, sessionId=session)
        await subscribe(await initialised(two, flow.token), "b", updates, sessionId=session)
        await still_open(one)
        await still_open(two)

        await subscribe(two, "c", updates, sessionId=session)
        refused = await received(two)
        assert refused["type"] == "error"
        assert refused["id"] == "c"
        assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"

        await two.send(json.dumps({"id": "b", "type": "complete"}))
        await still_open(two)

        async def accepted() -> bool:
            await subscribe(two, "d", updates, sessionId=session)
            answer = await received_or_none(two)
            if answer is None:  # accepted: a live subscription says nothing yet
                return True
            assert answer["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
            return False

        # "b" gives its slot back when its task ends
        await eventually(accepted, "a subscription accepted after one completed", 5)
        await still_open(two)


async def received_or_none(ws: ClientConnection, seconds: float = 0.3) -> dict[str, Any] | None:
    try:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), seconds))
    except TimeoutError:
        return None
    return message


async def test_a_subscribe_over_the_rate_is_an_error_and_the_socket_stays(
    server: RunningServer, address: str
) -> None:
    async with opening(server, address) as ws:
        await initialised(ws)
        for attempt in range(SUBSCRIBES_PER_MINUTE):
            await subscribe(ws, f"ok{attempt}", LEAD_STATUS)
            # No secret key: "Lead not found", refused before its first event.
            answer = await received(ws)
            assert answer["type"] == "error", answer
            assert answer["payload"][0]["message"] == "Lead not found.", answer
        await subscribe(ws, "over", LEAD_STATUS)
        refused = await received(ws)
        assert refused["type"] == "error"
        assert refused["id"] == "over"
        extensions = refused["payload"][0]["extensions"]
        assert extensions["code"] == "RATE_LIMITED"
        assert 1 <= extensions["retryAfter"] <= 60
        await still_open(ws)
