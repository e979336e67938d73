"""The element inside a host page: the host's styles stay out, its theme properties come in,
the publishable key travels with the session's start, and nothing comes from outside."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from playwright.async_api import ConsoleMessage, Request, Response, expect
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse
from starlette.routing import Route

from tests.browser.conftest import FrontendServer
from tests.browser.widget import Widget

HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<link rel="icon" href="data:,">
<script type="module" src="/mf/v1/trex-workflow.js"></script></head>
<body><trex-workflow publishable-key="{key}" workflow-type="selling"></trex-workflow>
</body></html>"""


def serve_partner_pages(server: FrontendServer) -> None:
    """/partner/<key>: a partner site's page embedding the element with that publishable key
    (a route of the test server only), under a strict policy of its own: scripts, styles and
    connections from its origin only, no inline style; the element must live with it."""

    async def page(request: HttpRequest) -> HTMLResponse:
        key = html.escape(request.path_params["key"])
        host = request.headers["host"]
        policy = f"default-src 'self'; connect-src 'self' ws://{host}; img-src 'self' data:"
        headers = {"content-security-policy": policy}
        return HTMLResponse(HOST_PAGE.format(key=key), headers=headers)

    if not any(getattr(route, "path", None) == "/partner/{key}" for route in server.app.routes):
        server.app.router.routes.append(Route("/partner/{key}", page))


async def test_host_styles_stay_out_and_theme_properties_come_in(widget: Widget) -> None:
    await widget.open()
    host_button = widget.page.locator("main .pitch button")
    ours = widget.element.locator("button.choice").first

    await expect(host_button).to_have_css("text-transform", "uppercase")
    await expect(ours).to_have_css("text-transform", "none")
    await expect(ours).not_to_have_css("font-family", "Georgia")
    await expect(widget.heading).not_to_have_css("color", "rgb(180, 71, 15)")
    # --trex-color-primary: #0f5f5a, set by the host page on the element
    await expect(widget.element.locator(".bar > span")).to_have_css(
        "background-color", "rgb(15, 95, 90)"
    )


async def test_the_publishable_key_goes_with_the_start(
    widget: Widget, frontend: FrontendServer
) -> None:
    site = await frontend.container.sites.create("Partner", [frontend.base_url])
    sent: list[Request] = []
    widget.page.on("request", lambda request: sent.append(request))
    serve_partner_pages(frontend)

    assert await widget.open(f"/partner/{site.publishable_key}") == "has_buyer"  # selling

    starts = [r for r in sent if "mutation StartWorkflow" in (r.post_data or "")]
    assert len(starts) == 1
    assert await starts[0].header_value("x-publishable-key") == site.publishable_key


async def test_a_wrong_publishable_key_is_reported_with_its_reference(
    widget: Widget, frontend: FrontendServer
) -> None:
    """The banner names the request id the server logged the refusal under (X-Request-Id)."""
    warnings: list[str] = []
    answers: list[Response] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    widget.page.on("console", keep)
    widget.page.on("response", lambda response: answers.append(response))
    serve_partner_pages(frontend)
    await widget.page.goto(f"{widget.base_url}/partner/pk_not_a_key")

    banner = widget.element.locator(".banner.error")
    await expect(banner).to_contain_text("Something went wrong")
    await widget.shot("wrong-key")
    assert any("publishable key is not valid" in text for text in warnings), warnings
    starts = [r for r in answers if "mutation StartWorkflow" in (r.request.post_data or "")]
    request_id = await starts[-1].header_value("x-request-id")
    assert request_id
    await expect(banner.locator(".reference")).to_have_text(f"Reference: {request_id}")


async def test_the_demo_needs_nothing_from_outside(widget: Widget) -> None:
    hosts: set[str] = set()
    widget.page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    widget.page.on("websocket", lambda socket: hosts.add(urlsplit(socket.url).netloc))

    await widget.open()
    await widget.choose("buying")
    await widget.wait_for("vehicle_knowledge")

    assert hosts == {urlsplit(widget.base_url).netloc}
