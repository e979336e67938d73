"""Nothing is lost with a closed tab, on a desktop and on a 375-px phone: a new tab opens the same
session at its step with the answers typed there and not submitted (never the SSN); a second tab
follows the first; Back and Forward move between steps without leaving the host page; a resume
link sent from "Continue later", read from the sandbox's messages, opens the session in another
browser."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.browser.conftest import DESKTOP, FrontendServer, PageErrors
from tests.browser.journeys import UI, walk_to
from tests.browser.widget import RECORD_STEPS, Widget
from tests.e2e.client import Api
from tests.e2e.financing import apply, invitation_token, invite
from tests.support.waiting import eventually

PHONE: ViewportSize = {"width": 375, "height": 812}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(VIEWPORTS))
async def visitor(
    request: pytest.FixtureRequest, browser: Browser
) -> AsyncIterator[BrowserContext]:
    """One visitor's browser (its storage shared by its tabs), a desktop or a phone."""
    phone = request.param == "phone"
    context = await browser.new_context(
        viewport=VIEWPORTS[request.param], is_mobile=phone, has_touch=phone
    )
    await context.add_init_script(RECORD_STEPS)
    yield context
    await context.close()


async def tab(
    context: BrowserContext, frontend: FrontendServer, shots: Path, errors: PageErrors
) -> Widget:
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.messages.append(f"pageerror: {error}"))
    page.on("console", errors.console)
    return Widget(page, frontend.base_url, shots)


async def storage_text(page: Page) -> str:
    text: str = await page.evaluate("JSON.stringify(Object.entries(localStorage))")
    return text


async def test_a_closed_tab_resumes_at_its_step_with_the_typed_answers(
    visitor: BrowserContext, frontend: FrontendServer, shots: Path, page_errors: PageErrors
) -> None:
    first = await tab(visitor, frontend, shots, page_errors)
    await first.open()
    await walk_to(first, "buying_confirmation")
    session = await first.saved_session()
    await first.fill(first_name="Ada", email="ada.resume@example.com")
    await first.pick("preferred_contact", "Email")
    assert "ada.resume@example.com" in await storage_text(first.page)  # this browser only
    await first.page.close()

    again = await tab(visitor, frontend, shots, page_errors)
    assert await again.open() == "buying_confirmation"
    assert await again.saved_session() == session
    await expect(again.control("first_name")).to_have_value("Ada")
    await expect(again.control("email")).to_have_value("ada.resume@example.com")
    await expect(again.field("preferred_contact").get_by_label("Email", exact=True)).to_be_checked()
    await again.shot("draft-restored")

    await UI[("buying_confirmation", "buying_complete")](again)
    await again.wait_for("buying_complete")
    assert "ada.resume@example.com" not in await storage_text(again.page)  # cleared on submit


async def test_the_ssn_is_never_kept_in_the_browser(
    widget: Widget, frontend: FrontendServer
) -> None:
    """A buyer's financing application (from a seller's invitation, over the API) opened in the
    widget: its credit check asks the SSN."""
    async with httpx.AsyncClient(base_url=frontend.base_url, timeout=10) as http:
        api = Api(http, frontend.ws_url)
        _, to = await invite(api)
        buyer = await apply(api, await invitation_token(api, to))
    saved = {
        "at": int(time.time() * 1000),
        "value": {"sessionId": buyer.session_id, "token": buyer.token},
    }
    await widget.page.goto(widget.base_url + "/healthz")  # the origin, no widget
    await widget.page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        ["trex-session:/graphql||", json.dumps(saved)],
    )
    assert await widget.open() == "financing_intro"
    await UI[("financing_intro", "credit_check")](widget)
    await widget.wait_for("credit_check")
    await widget.fill(full_name="Grace Resume", ssn="123-45-6780", annual_income="85000")
    kept = await storage_text(widget.page)
    assert "Grace Resume" in kept
    assert "6780" not in kept
    assert "123-45" not in kept
    assert await widget.reload() == "credit_check"
    await expect(widget.control("full_name")).to_have_value("Grace Resume")
    await expect(widget.control("ssn")).to_have_value("")


async def test_a_second_tab_opens_the_same_step_and_follows(
    visitor: BrowserContext, frontend: FrontendServer, shots: Path, page_errors: PageErrors
) -> None:
    first = await tab(visitor, frontend, shots, page_errors)
    await first.open()
    await walk_to(first, "vehicle_knowledge")
    second = await tab(visitor, frontend, shots, page_errors)
    assert await second.open() == "vehicle_knowledge"
    assert await second.saved_session() == await first.saved_session()

    await first.page.bring_to_front()
    await first.choose("true")
    await first.wait_for("vehicle_search")
    await second.wait_for("vehicle_search")  # pushed to the other tab
    await second.shot("followed")


async def test_back_and_forward_move_between_steps_on_the_host_page(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "search_results")
    page = widget.page
    assert page.url.endswith("/demo?trex_step=search_results")

    await page.go_back()
    await widget.wait_for("vehicle_search")
    await expect(widget.control("make")).to_have_value("Toyota")
    assert page.url.endswith("/demo?trex_step=vehicle_search")
    await page.go_back()
    await widget.wait_for("vehicle_knowledge")

    await page.go_forward()  # the answers given before, sent again
    await widget.wait_for("vehicle_search")
    await page.go_forward()
    await widget.wait_for("search_results")
    await widget.shot("forward")
    assert urlsplit(page.url).path == "/demo"

    # The widget's own Back goes back an entry too: the browser's Forward then comes back.
    await widget.back()
    await widget.wait_for("vehicle_search")
    assert page.url.endswith("trex_step=vehicle_search")


async def test_back_after_a_reload_stays_on_the_page(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "vehicle_search")
    await widget.page.goto(widget.base_url + "/demo")  # a fresh entry, as a new tab has
    await widget.first_step()
    for step in ("vehicle_knowledge", "intent_selection"):
        await widget.page.go_back()
        await widget.wait_for(step)
        assert urlsplit(widget.page.url).path == "/demo"


async def test_back_across_a_submitted_lead_stays_with_a_message(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "buying_complete")
    await widget.page.go_back()
    await widget.wait_for("buying_complete")
    await expect(widget.element.locator(".banner.info")).to_be_visible()
    assert urlsplit(widget.page.url).path == "/demo"
    assert await widget.step_id() == "buying_complete"


async def test_forward_where_the_server_does_not_allow_it_stays(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "vehicle_knowledge")
    await widget.back()
    await widget.wait_for("intent_selection")
    await widget.choose("selling")  # another way: the entry of vehicle_knowledge is gone
    await widget.wait_for("has_buyer")
    await widget.page.go_back()
    await widget.wait_for("intent_selection")
    await widget.page.go_forward()
    await widget.wait_for("has_buyer")  # the prefilled answer: selling


async def messages_to(page: Page, base_url: str, to: str) -> list[dict[str, object]]:
    response = await page.request.get(
        f"{base_url}/sandbox/communications/messages", params={"to": to}
    )
    found: list[dict[str, object]] = json.loads(await response.text())["messages"]
    return [m for m in found if m["template"] == "resume_link"]


async def test_a_resume_link_opens_the_session_in_another_browser(
    visitor: BrowserContext,
    browser: Browser,
    frontend: FrontendServer,
    shots: Path,
    page_errors: PageErrors,
) -> None:
    first = await tab(visitor, frontend, shots, page_errors)
    await first.open()
    await walk_to(first, "vehicle_search")
    session = await first.saved_session()
    to = f"later-{uuid.uuid4().hex[:8]}@example.com"
    await first.button("Continue later").click()
    await first.element.get_by_label("E-mail address").fill(to)
    await first.shot("continue-later")
    await first.button("Send link").click()
    await expect(first.element.locator(".continue-later [role=status]")).to_contain_text(
        "Link sent by e-mail"
    )
    found: list[dict[str, object]] = []

    async def delivered() -> bool:
        found[:] = await messages_to(first.page, frontend.base_url, to)
        return bool(found)

    await eventually(delivered, f"a resume link to {to}", 10)
    link = str(found[-1]["data"]["link"])  # type: ignore[index]
    assert urlsplit(link).path == "/demo"
    assert "trex_step" not in link

    elsewhere = await browser.new_context(viewport=PHONE)
    try:
        await elsewhere.add_init_script(RECORD_STEPS)
        other = await tab(elsewhere, frontend, shots, page_errors)
        await other.page.goto(link)
        assert await other.first_step() == "vehicle_search"
        assert "trex_resume" not in other.page.url  # read once, removed from the address
        resumed = await other.saved_session()
        assert resumed["sessionId"] == session["sessionId"]
        assert resumed["token"] != session["token"]
        await expect(other.element.locator(".banner.info")).to_contain_text("Welcome back")
        await other.shot("resumed-elsewhere")

        # The link works once: opened again, it says so and starts over.
        third = await browser.new_context()
        await third.add_init_script(RECORD_STEPS)
        used = await tab(third, frontend, shots, page_errors)
        await used.page.goto(link)
        await used.first_step()
        await expect(used.element.locator(".banner.info")).to_contain_text("already used")
        await third.close()
    finally:
        await elsewhere.close()


async def test_a_bad_address_is_named_at_its_field(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "vehicle_knowledge")
    await widget.button("Continue later").click()
    await widget.element.get_by_label("Text message").check()
    await widget.element.get_by_label("Mobile number").fill("12")
    await widget.button("Send link").click()
    error = widget.field("resume_address").locator(".error")
    await expect(error).to_have_text(re.compile("phone number"))
