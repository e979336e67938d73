"""Step modules come on demand: a module that cannot be fetched is a network failure with Try
again (the step on screen stays), and a slow one holds the step it belongs to without letting
a double click send twice or an older step show over a newer one."""

from __future__ import annotations

import asyncio

from playwright.async_api import Request, Route, expect

from tests.browser.conftest import PageErrors
from tests.browser.journeys import search
from tests.browser.widget import Widget
from tests.unit.test_microfrontend_catalogue import catalogue

SEARCH_MODULE = "**/steps/vehicle-search.js*"
RESULTS_MODULE = "**/steps/vehicle-results.js*"


async def test_a_step_module_that_cannot_be_fetched_offers_try_again(
    widget: Widget, page_errors: PageErrors
) -> None:
    page_errors.allow(r"Failed to load resource")
    page_errors.allow(r"vehicle-search\.js")

    async def unreachable(route: Route) -> None:
        await route.abort("internetdisconnected")

    await widget.page.route(SEARCH_MODULE, unreachable)
    assert await widget.open() == "intent_selection"
    await widget.choose("buying")
    await widget.wait_for("vehicle_knowledge")
    await widget.choose("true")

    banner = widget.element.locator(".banner.error")
    await expect(banner).to_contain_text(catalogue("en-US")["provider.error.network"])
    await expect(widget.element.locator("section.step")).to_have_attribute(
        "data-step-id", "vehicle_knowledge"
    )
    await widget.shot("module-unreachable")

    await widget.page.unroute(SEARCH_MODULE)
    await banner.get_by_role("button", name="Try again").click()
    await widget.wait_for("vehicle_search")
    await expect(banner).to_have_count(0)
    await expect(widget.control("make")).to_be_visible()
    assert await widget.shown_steps() == ["intent_selection", "vehicle_knowledge", "vehicle_search"]


async def test_a_slow_step_module_holds_its_step_and_a_double_click_sends_once(
    widget: Widget,
) -> None:
    release = asyncio.Event()
    held: list[str] = []

    async def slow(route: Route) -> None:
        held.append(route.request.url)
        await release.wait()
        await route.continue_()

    transitions: list[Request] = []
    widget.page.on(
        "request",
        lambda r: transitions.append(r) if "mutation Transition" in (r.post_data or "") else None,
    )
    await widget.page.route(RESULTS_MODULE, slow)
    assert await widget.open() == "intent_selection"
    await widget.choose("buying")
    await widget.wait_for("vehicle_knowledge")
    await widget.choose("true")
    await widget.wait_for("vehicle_search")
    sent_before = len(transitions)

    await widget.select("make", "Toyota")
    await widget.fill(zip="10001")
    submit = widget.element.locator('form button[type="submit"]')
    async with widget.page.expect_response(
        lambda r: "mutation Transition" in (r.request.post_data or "")
    ) as answered:
        await submit.dblclick()
    await (await answered.value).finished()
    assert held  # the results' module (asked for by the idle prefetch or by the answer)
    # The answer is in, its module is not: the search stays on screen, busy.
    section = widget.element.locator("section.step")
    await expect(section).to_have_attribute("aria-busy", "true")
    await expect(section).to_have_attribute("data-step-id", "vehicle_search")
    await submit.click(force=True)  # busy: aria-disabled, pressed anyway
    await widget.element.locator("button[data-back]").click(force=True)
    release.set()

    await widget.wait_for("search_results")
    await expect(widget.element.locator("[data-vehicle-id]").first).to_be_visible()
    assert len(transitions) - sent_before == 1
    assert (await widget.shown_steps())[-2:] == ["vehicle_search", "search_results"]
    await widget.element.locator("[data-vehicle-id] button").first.click()
    await widget.wait_for("vehicle_selection")


async def test_a_search_and_back(widget: Widget) -> None:
    """Back from a lazily loaded step to one loaded before: each step renders in full."""
    assert await widget.open() == "intent_selection"
    await widget.choose("buying")
    await widget.wait_for("vehicle_knowledge")
    await widget.choose("true")
    await widget.wait_for("vehicle_search")
    await search(widget)
    await widget.wait_for("search_results")
    await widget.back()
    await widget.wait_for("vehicle_search")
    await expect(widget.control("make")).to_have_value("Toyota")
    await widget.back()
    await widget.wait_for("vehicle_knowledge")
    await expect(widget.element.locator("button.choice")).to_have_count(2)
