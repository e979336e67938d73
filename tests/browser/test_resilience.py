"""What the network and other tabs do to a visitor: a stale tab, a double click, lost answers,
an unreachable server, pushes held back or missed, a refused lead, a component the element
does not know."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from playwright.async_api import Browser, BrowserContext, Request, Route, expect

from tests.browser.conftest import FrontendServer, PageErrors
from tests.browser.journeys import UI, walk_to
from tests.browser.sockets import Switchboard
from tests.browser.test_validation import transitions
from tests.browser.widget import RECORD_STEPS, Widget
from tests.e2e.client import operation
from tests.support.waiting import eventually

NETWORK_ERRORS = r"Failed to load resource|ERR_"


def graphql_body(route: Route) -> dict[str, Any]:
    body: dict[str, Any] = route.request.post_data_json or {}
    return body


async def test_a_second_tab_is_shown_the_real_current_step(
    widget: Widget, context: BrowserContext, frontend: FrontendServer
) -> None:
    sockets = Switchboard(refuse=True)  # no pushes for the first tab: it falls behind
    await sockets.install(widget.page)
    await widget.open()
    await walk_to(widget, "vehicle_knowledge")
    async with context.expect_page() as opened:
        await widget.page.evaluate("window.open(location.href)")
    second = Widget(await opened.value, frontend.base_url, widget.shots)
    # A popup's first document may run before the context's init scripts: load it again.
    assert await second.reload() == "vehicle_knowledge"
    assert await second.saved_session() == await widget.saved_session()

    await second.choose("true")
    await second.wait_for("vehicle_search")
    await widget.page.bring_to_front()
    await widget.choose("false")  # the first tab answers a step already answered

    await widget.wait_for("vehicle_search")
    notice = widget.element.locator(".banner.info")
    await expect(notice).to_contain_text("already answered, perhaps in another tab")
    await widget.shot("stale-step")
    # The second tab, whose pushes arrive, follows what the first one does.
    await UI[("vehicle_search", "search_results")](widget)
    await second.wait_for("search_results")


async def test_a_vehicle_taken_meanwhile_sends_back_to_the_results(
    widget: Widget, browser: Browser, frontend: FrontendServer
) -> None:
    # Another visitor: another browser (the tabs of one browser share their session).
    elsewhere = await browser.new_context()
    await elsewhere.add_init_script(RECORD_STEPS)
    other = Widget(await elsewhere.new_page(), frontend.base_url, widget.shots)
    for visitor in (widget, other):
        await visitor.page.bring_to_front()  # a background tab is throttled
        await visitor.open()
        await walk_to(visitor, "buying_confirmation")  # both chose the same car
    await UI[("buying_confirmation", "buying_complete")](other)
    await other.wait_for("buying_complete")

    await widget.page.bring_to_front()
    await UI[("buying_confirmation", "buying_complete")](widget)

    await widget.wait_for("search_results")
    notice = widget.element.locator(".banner.info")
    await expect(notice).to_have_text(
        "Sorry, this vehicle has just been sold or reserved. Please choose another one."
    )
    await widget.shot("vehicle-taken")
    await elsewhere.close()


async def test_a_double_click_sends_one_transition(widget: Widget) -> None:
    sent: list[Request] = []
    widget.page.on("request", lambda request: sent.append(request))
    await widget.open()
    await walk_to(widget, "vehicle_knowledge")
    before = len(transitions(sent))

    await widget.element.locator('button.choice[data-value="true"]').dblclick()

    await widget.wait_for("vehicle_search")
    await widget.page.wait_for_timeout(200)
    assert len(transitions(sent)) == before + 1


async def test_a_lost_answer_is_retried_under_the_same_key(
    widget: Widget, page_errors: PageErrors
) -> None:
    page_errors.allow(NETWORK_ERRORS)
    await widget.open()
    await walk_to(widget, "vehicle_knowledge")
    keys: list[str] = []

    async def lose_the_first_answer(route: Route) -> None:
        body = graphql_body(route)
        if "mutation Transition" in body.get("query", ""):
            keys.append(body["variables"]["input"]["idempotencyKey"])
            if len(keys) == 1:
                await route.fetch()  # the server moves the session…
                await route.abort("connectionreset")  # …and its answer is lost on the way
                return
        await route.continue_()

    await widget.page.route("**/graphql", lose_the_first_answer)
    await widget.choose("true")

    await widget.wait_for("vehicle_search")
    assert len(keys) == 2
    assert keys[0] == keys[1]
    # The retry got the first answer back, not a stale step: the session moved once.
    await expect(widget.element.locator(".banner")).to_have_count(0)
    await widget.back()
    await widget.wait_for("vehicle_knowledge")


async def test_an_unreachable_server_says_so_and_try_again_recovers(
    widget: Widget, page_errors: PageErrors
) -> None:
    page_errors.allow(NETWORK_ERRORS)
    await widget.open()
    await walk_to(widget, "vehicle_knowledge")
    keys: list[str] = []

    async def unreachable(route: Route) -> None:
        keys.append(graphql_body(route)["variables"]["input"]["idempotencyKey"])
        await route.abort("internetdisconnected")

    await widget.page.route("**/graphql", unreachable)
    await widget.choose("true")

    banner = widget.element.locator(".banner.error")
    await expect(banner).to_contain_text("can't reach the server", timeout=10_000)
    await widget.shot("unreachable")
    assert len(keys) == 5  # the first try and four retries with backoff
    assert len(set(keys)) == 1
    await widget.page.unroute("**/graphql")
    await banner.get_by_role("button", name="Try again").click()
    await widget.wait_for("vehicle_search")
    await expect(banner).to_have_count(0)


async def test_the_pending_credit_check_resolves_by_push(widget: Widget) -> None:
    sent: list[Request] = []
    widget.page.on("request", lambda request: sent.append(request))
    sockets = Switchboard()
    await sockets.install(widget.page)
    await widget.open()
    await walk_to(widget, "credit_check")
    await widget.page.evaluate("window.sameDocument = true")

    sockets.hold = True  # keep the pushed result back until the pending step is photographed
    await UI[("credit_check", "credit_check_pending")](widget)
    await widget.wait_for("credit_check_pending")
    await expect(widget.element.locator(".spinner")).to_be_visible()
    await widget.shot()
    await eventually(lambda: "financing_result" in sockets.held_text(), "the push held")
    sockets.release()

    await widget.wait_for("financing_result")
    await expect(widget.element).to_contain_text("You are prequalified for up to $34,000")
    await expect(widget.element.get_by_role("status").first).to_contain_text("prequalified")
    await widget.shot()
    assert await widget.page.evaluate("window.sameDocument") is True
    assert not [r for r in sent if "query Session" in (r.post_data or "")]


async def test_a_dropped_socket_reconnects_and_replays_what_it_missed(
    widget: Widget, frontend: FrontendServer
) -> None:
    sent: list[Request] = []
    widget.page.on("request", lambda request: sent.append(request))
    sockets = Switchboard()
    await sockets.install(widget.page)
    await widget.open()
    await walk_to(widget, "credit_check")

    sockets.refuse = True
    await sockets.drop()  # the connection breaks, and stays down for a while
    await UI[("credit_check", "credit_check_pending")](widget)
    await widget.wait_for("credit_check_pending")
    saved = await widget.saved_session("BUYER_FINANCING")
    seq = await server_reaches(frontend, saved, "financing_result")
    assert await widget.step_id() == "credit_check_pending"  # the push went nowhere
    sockets.refuse = False

    await widget.wait_for("financing_result")
    assert sockets.subscriptions[-1]["afterSeq"] == seq - 1  # replayed from what it had
    assert not [r for r in sent if "query Session" in (r.post_data or "")]


async def test_without_websockets_a_pending_step_is_polled(widget: Widget) -> None:
    sockets = Switchboard(refuse=True)  # say, a proxy that lets no websocket through
    await sockets.install(widget.page)
    await widget.open()
    await walk_to(widget, "credit_check")

    await UI[("credit_check", "credit_check_pending")](widget)

    await widget.wait_for("credit_check_pending")
    await widget.wait_for("financing_result", timeout_ms=8_000)  # the next poll, within 5 s


async def server_reaches(server: FrontendServer, saved: dict[str, Any], step_id: str) -> int:
    """Polls the API (as another client) until the session is at `step_id`; its seq then."""
    query = operation("session")
    headers = {"Authorization": f"Bearer {saved['token']}"}
    async with httpx.AsyncClient(base_url=server.base_url) as http, asyncio.timeout(10):
        while True:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": {"sessionId": saved["sessionId"]}},
                headers=headers,
            )
            step = response.json()["data"]["session"]
            if step["stepId"] == step_id:
                return int(step["session"]["seq"])
            await asyncio.sleep(0.05)


async def test_a_refused_lead_shows_on_the_timeline(widget: Widget) -> None:
    sockets = Switchboard()
    await sockets.install(widget.page)
    await widget.open()
    await walk_to(widget, "buying_confirmation")
    sockets.hold = True  # the real pipeline's events stay out of this picture
    await UI[("buying_confirmation", "buying_complete")](widget)
    await widget.wait_for("buying_complete")
    reference = await widget.element.locator(".reference").inner_text()
    lead_id = await widget.element.locator("[data-lead-id]").first.get_attribute("data-lead-id")

    told = "Sorry, the dealer already has this request."
    lead: dict[str, object] = {
        "leadId": lead_id,
        "leadReference": reference,
        "status": "REJECTED",
        "seq": 99,
        "at": "2030-01-01T12:00:00+00:00",
        "detail": {},
        "message": told,
    }
    sockets.inject({"seq": 99, "type": "LEAD_STATUS", "at": lead["at"], "step": None, "lead": lead})

    failed = widget.element.locator('.timeline li.failed[data-status="REJECTED"]')
    await expect(failed).to_contain_text(told)
    await expect(widget.element.get_by_role("status").first).to_contain_text(told)
    await widget.shot("lead-rejected")


async def test_a_component_the_element_does_not_know_renders_as_a_form(widget: Widget) -> None:
    async def rename_the_component(route: Route) -> None:
        response = await route.fetch()
        body = await response.json()
        if "startWorkflow" in body.get("data", {}):
            body["data"]["startWorkflow"]["componentName"] = "BrandNewThing"
        await route.fulfill(response=response, json=body)

    await widget.page.route("**/graphql", rename_the_component)
    assert await widget.open() == "intent_selection"
    await expect(widget.element.locator("section.step")).to_have_attribute(
        "data-component", "BrandNewThing"
    )
    await widget.shot("generic-form")

    await widget.pick("intent", "Selling")
    await widget.submit()
    await widget.wait_for("has_buyer")
