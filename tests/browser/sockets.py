"""A switchboard between the page's websockets and the server (Playwright's websocket routing):
it can refuse connections, drop them, hold the server's messages back, slip in messages of its
own, and it records what the page subscribes with."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Page, WebSocketRoute

GRAPHQL_WS = re.compile(r"^wss?://[^/]+/graphql$")


@dataclass
class Switchboard:
    refuse: bool = False
    hold: bool = False
    held: list[tuple[WebSocketRoute, str | bytes]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    live: list[tuple[WebSocketRoute, WebSocketRoute]] = field(default_factory=list)

    async def install(self, page: Page) -> None:
        await page.route_web_socket(GRAPHQL_WS, self.connect)

    async def connect(self, page_side: WebSocketRoute) -> None:
        if self.refuse:
            await page_side.close(code=1013, reason="Try again later")
            return
        server = page_side.connect_to_server()
        self.live.append((page_side, server))

        def to_server(message: str | bytes) -> None:
            parsed = json.loads(message)
            if parsed.get("type") == "subscribe":
                self.subscriptions.append(parsed["payload"]["variables"])
            server.send(message)

        def to_page(message: str | bytes) -> None:
            if self.hold:
                self.held.append((page_side, message))
            else:
                page_side.send(message)

        page_side.on_message(to_server)
        server.on_message(to_page)

    def release(self) -> None:
        self.hold = False
        for page_side, message in self.held:
            page_side.send(message)
        self.held.clear()

    def held_text(self) -> str:
        return "".join(str(message) for _, message in self.held)

    async def drop(self) -> None:
        """Breaks every live connection, as a network change would."""
        for page_side, server in self.live:
            await server.close()
            await page_side.close(code=1012, reason="Dropped by the test")
        self.live.clear()

    def inject(self, update: dict[str, Any]) -> None:
        """Delivers a sessionUpdates event the server did not send, to every live connection."""
        message = {"id": "1", "type": "next", "payload": {"data": {"sessionUpdates": update}}}
        for page_side, _ in self.live:
            page_side.send(json.dumps(message))
