"""The element against the websocket limits: a subscribe the server refuses for a limit is tried
again on the same socket, and the pushes come once it is let in."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from tests.browser.journeys import UI, walk_to
from tests.browser.sockets import Switchboard
from tests.browser.widget import Widget
from tests.e2e.client import operation
from tests.e2e.conftest import RunningServer, quick_settings, start_server
from tests.support.waiting import eventually

TRANSPORT = [Subprotocol("graphql-transport-ws")]


@pytest.fixture(scope="module")
async def one_per_session(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    """A server that lets each session have one live subscription."""
    folder = tmp_path_factory.mktemp("one-per-session")
    server = await start_server(
        quick_settings(folder, sandbox_latency_scale=0.5, subscriptions_per_session=1)
    )
    yield server
    await server.stop()


async def test_a_subscribe_refused_for_a_limit_is_tried_again(
    page: Page, one_per_session: RunningServer, shots: Path
) -> None:
    widget = Widget(page, one_per_session.base_url, shots)
    sockets = Switchboard()
    await sockets.install(page)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    await widget.open()
    await walk_to(widget, "credit_check")  # the buyer's own application
    saved = await widget.saved_session("BUYER_FINANCING")

    sockets.refuse = True
    await sockets.drop()  # the element reconnects; meanwhile another client takes the one slot
    async with connect(
        one_per_session.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as other:
        init = {"authorization": f"Bearer {saved['token']}"}
        await other.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await other.recv())["type"] == "connection_ack"
        variables = {"sessionId": saved["sessionId"]}
        subscribe = {"query": operation("session_updates"), "variables": variables}
        while True:  # the server frees the element's slot once it sees that socket closed
            await other.send(json.dumps({"id": "x", "type": "subscribe", "payload": subscribe}))
            await other.send(json.dumps({"type": "ping"}))
            if json.loads(await other.recv())["type"] == "pong":  # live: it says nothing yet
                break
            await other.recv()  # the refusal came first; then the pong
            await asyncio.sleep(0.05)
        subscribed = len(sockets.subscriptions)
        sockets.refuse = False
        await eventually(
            lambda: any("TOO_MANY_SUBSCRIPTIONS" in f for f in frames), "a subscription refused"
        )
        await other.send(json.dumps({"id": "x", "type": "complete"}))

    # refused, then again
    await eventually(lambda: len(sockets.subscriptions) >= subscribed + 2, "two more subscribes")
    await UI[("credit_check", "credit_check_pending")](widget)
    await widget.wait_for("financing_result")
