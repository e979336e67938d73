"""The element embedded as the README says, on a host page of another origin: the host page is
served by its own server on one loopback port, T-Rex on another (two ports, two origins), with a
host site registered for the host page's origin. A private sale whose buyer is invited to
apply for financing gets its lead's progress pushed over the websocket, and the lead's timeline
completes; in development and in the
production profile (no loopback allowance there: only the registered origin opens CORS and the
websocket)."""

from __future__ import annotations

import html
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Page, Request, Response, WebSocket, expect
from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse
from starlette.routing import Route

from tests.browser.conftest import FrontendServer
from tests.browser.journeys import FLOWS, walk
from tests.browser.widget import Widget
from tests.e2e.conftest import (
    RunningServer,
    production_settings,
    serve,
    start_sandbox,
    start_server,
)
from workflows import messages

HOST_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>Partner Motors</title><link rel="icon" href="data:,">
<script type="module" src="{trex}/mf/v1/trex-workflow.js"></script></head>
<body><main><h1>Partner Motors</h1>
<trex-workflow publishable-key="{key}" workflow-type="selling"></trex-workflow></main>
</body></html>"""
# workflow-type skips the first step
FLOW = FLOWS["selling privately, the buyer invited to apply for financing"][1:]


@dataclass
class HostPage:
    server: RunningServer
    trex: RunningServer
    key: str

    @property
    def origin(self) -> str:
        return self.server.base_url


async def host_page_server(trex: RunningServer) -> HostPage:
    """A partner's site of its own, registered with `trex`: one page embedding the element
    (and `/mistyped`, the same page with a publishable key that is not the site's)."""
    keys: list[str] = []

    async def home(request: HttpRequest) -> HTMLResponse:
        lang = "es" if request.url.path == "/es" else "en"  # /es: the partner's Spanish page
        key = html.escape(keys[0])
        return HTMLResponse(HOST_PAGE.format(trex=trex.base_url, key=key, lang=lang))

    async def mistyped(_: HttpRequest) -> HTMLResponse:
        return HTMLResponse(HOST_PAGE.format(trex=trex.base_url, key="pk_mistyped", lang="en"))

    routes = [Route("/", home), Route("/es", home), Route("/mistyped", mistyped)]
    server = await serve(Starlette(routes=routes))
    site = await trex.container.sites.create("Partner Motors", [server.base_url])
    keys.append(site.publishable_key)
    return HostPage(server, trex, site.publishable_key)


@pytest.fixture(scope="module")
async def production(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    sandbox = await start_sandbox()
    server = await start_server(production_settings(tmp_path_factory.mktemp("prod"), sandbox))
    yield server
    await server.stop()
    await sandbox.stop()


@dataclass
class Traffic:
    """What the page asked for and what its websockets received."""

    requests: list[Request] = field(default_factory=list)
    sockets: list[WebSocket] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", lambda request: self.requests.append(request))
        page.on("websocket", self.socket)

    def socket(self, socket: WebSocket) -> None:
        self.sockets.append(socket)
        socket.on("framereceived", lambda payload: self.frames.append(str(payload)))

    def pushed_statuses(self) -> list[str]:
        """The lead statuses the websockets pushed."""
        statuses = []
        for frame in self.frames:
            message = json.loads(frame)
            update = (message.get("payload") or {}).get("data", {}).get("sessionUpdates") or {}
            if message["type"] == "next" and update.get("lead"):
                statuses.append(update["lead"]["status"])
        return statuses

    def polls(self) -> list[Request]:
        return [r for r in self.requests if "query Session" in (r.post_data or "")]


async def test_an_embedding_on_another_origin_gets_its_pushes(
    page: Page, frontend: FrontendServer, shots: Path
) -> None:
    await embedded_selling_flow(page, frontend, shots)


async def test_the_same_embedding_in_the_production_profile(
    page: Page, production: RunningServer, shots: Path
) -> None:
    await embedded_selling_flow(page, production, shots)


async def test_a_spanish_page_on_another_origin_in_the_production_profile(
    page: Page, production: RunningServer
) -> None:
    """The partner's Spanish page: the element's catalogue and the step modules come from the
    server's origin, and the server's step reads in Spanish."""
    host = await host_page_server(production)
    try:
        traffic = Traffic()
        traffic.watch(page)
        widget = Widget(page, host.origin, Path())
        assert await widget.open("/es") == FLOW[0]
        spanish = messages.catalogue("es-US")
        await expect(widget.heading).to_have_text(spanish["trex.has_buyer.title"])
        await expect(widget.element.locator("[lang='es-US']").first).to_be_attached()
        fetched = [r.url for r in traffic.requests if r.url.endswith("/i18n/es-US.js")]
        assert fetched
        assert all(url.startswith(production.base_url) for url in fetched)
        await widget.choose("true")
        await widget.wait_for(FLOW[1])
        await expect(widget.heading).to_have_text(spanish[f"trex.{FLOW[1]}.title"])
    finally:
        await host.server.stop()


async def test_a_refusal_on_another_origin_shows_its_reference(
    page: Page, production: RunningServer
) -> None:
    """The request id crosses origins (CORS exposes it): the partner's visitor can read the
    reference the production server logged the refusal under."""
    host = await host_page_server(production)
    try:
        answers: list[Response] = []
        page.on("response", lambda response: answers.append(response))
        await page.goto(f"{host.origin}/mistyped")
        banner = page.locator("trex-workflow .banner.error")
        await expect(banner).to_contain_text("Something went wrong")
        starts = [r for r in answers if "mutation StartWorkflow" in (r.request.post_data or "")]
        request_id = await starts[-1].header_value("x-request-id")
        assert request_id
        assert urlsplit(starts[-1].url).netloc != urlsplit(host.origin).netloc
        await expect(banner.locator(".reference")).to_have_text(f"Reference: {request_id}")
    finally:
        await host.server.stop()


async def embedded_selling_flow(page: Page, trex: RunningServer, shots: Path) -> None:
    host = await host_page_server(trex)
    try:
        await walk_and_watch(page, host, shots)
    finally:
        await host.server.stop()


async def walk_and_watch(page: Page, host: HostPage, shots: Path) -> None:
    traffic = Traffic()
    traffic.watch(page)
    widget = Widget(page, host.origin, shots)

    assert await widget.open("/") == FLOW[0]
    await walk(widget, FLOW)

    done = widget.element.locator('[data-lead-id] .timeline li.done[data-status="COMPLETED"]')
    await expect(done).to_have_count(1, timeout=15_000)
    # The lead's progress came by push over the module's origin's websocket, never by a poll.
    assert "COMPLETED" in traffic.pushed_statuses()
    assert not traffic.polls()
    trex = urlsplit(host.trex.base_url).netloc
    assert {urlsplit(s.url).netloc for s in traffic.sockets} == {trex}
    api_calls = [r for r in traffic.requests if r.url != f"{host.origin}/"]
    assert {urlsplit(r.url).netloc for r in api_calls} == {trex}  # the page's origin: once
    starts = [r for r in api_calls if "mutation StartWorkflow" in (r.post_data or "")]
    assert await starts[0].header_value("origin") == host.origin
    await widget.shot("timeline-completed")
