"""What the element's live region says to a screen reader: a pushed outcome with its content (each
step the journeys leave by push), a step moved to elsewhere, a burst of lead updates once, and
never the visitor's own step as an update from outside, even when the push beats the mutation's
answer. Every text the region takes is recorded in order."""

from __future__ import annotations

import asyncio
import json

import pytest
from playwright.async_api import BrowserContext, Route, expect

from tests.browser.conftest import FrontendServer
from tests.browser.journeys import UI, by_push, walk_to
from tests.browser.sockets import Switchboard
from tests.browser.widget import Widget
from tests.support.waiting import eventually

LIVE = ".trex > .sr-only[role=status]"
# Each non-empty text the live region takes, from now on.
RECORD_SAID = """(host) => {
  const live = host.shadowRoot.querySelector('.trex > .sr-only[role=status]');
  window.trexSaid = [];
  new MutationObserver(() => {
    const text = live.textContent.trim();
    if (text) window.trexSaid.push(text);
  }).observe(live, { childList: true, characterData: true, subtree: true });
}"""


async def said(w: Widget) -> list[str]:
    texts: list[str] = await w.page.evaluate("window.trexSaid")
    return texts


# The steps the server moves on from by itself (a credit bureau's answer): the pushed outcomes.
PUSHED = [edge for edge, act in UI.items() if act is by_push]


@pytest.mark.parametrize("edge", PUSHED, ids=[target for _, target in PUSHED])
async def test_a_pushed_outcome_is_said_with_its_content(
    widget: Widget, edge: tuple[str, str]
) -> None:
    """Its heading, the outcome the step marks ([data-outcome]) and its notices (the step's
    message), in one announcement."""
    pending, outcome = edge
    sockets = Switchboard()
    await sockets.install(widget.page)
    try:
        await walk_to(widget, pending)
    except AssertionError as no_way:
        if "no known way" not in str(no_way):
            raise
        pytest.skip(f"the journeys know no way to {pending} in this version of the flows")
    sockets.hold = True
    await eventually(lambda: outcome in sockets.held_text(), "the push held")
    await widget.element.evaluate(RECORD_SAID)
    sockets.release()

    await widget.wait_for(outcome)
    step = widget.element.locator("section.step")
    marked = step.locator("[data-outcome], [data-credit]")
    parts = [
        f"Updated: {await widget.heading.inner_text()}",
        *(await marked.locator(":scope > *").all_inner_texts() if await marked.count() else []),
        *await step.locator(":scope > .banner.info").all_inner_texts(),
    ]
    live = widget.element.locator(LIVE)
    await expect(live).to_contain_text(parts[0])
    text = await live.inner_text()
    for part in parts:
        assert part.strip().rstrip(".") in text, (part, text)
    assert len(parts) > 1, f"{outcome} was pushed with nothing but its heading to say: {text}"
    assert await said(widget) == [text]


async def test_a_step_another_tab_moved_to_is_said(
    widget: Widget, context: BrowserContext, frontend: FrontendServer
) -> None:
    await widget.open()
    await walk_to(widget, "vehicle_knowledge")
    async with context.expect_page() as opened:
        await widget.page.evaluate("window.open(location.href)")
    second = Widget(await opened.value, frontend.base_url, widget.shots)
    assert await second.reload() == "vehicle_knowledge"  # the same session
    await widget.element.evaluate(RECORD_SAID)

    await second.choose("true")  # the session moves in the other tab, and is pushed here

    await widget.wait_for("vehicle_search")
    heading = await widget.heading.inner_text()
    live = widget.element.locator(LIVE)
    await expect(live).to_have_text(f"Updated: {heading}.")
    assert await said(widget) == [f"Updated: {heading}."]


async def test_a_burst_of_lead_updates_is_said_once(widget: Widget) -> None:
    sockets = Switchboard()
    await sockets.install(widget.page)
    await widget.open()
    await walk_to(widget, "buying_confirmation")
    sockets.hold = True  # the pipeline's updates gather, to arrive together
    await UI[("buying_confirmation", "buying_complete")](widget)
    await widget.wait_for("buying_complete")
    await eventually(lambda: '"COMPLETED"' in sockets.held_text(), "the lead's last update held")
    statuses = [
        message["payload"]["data"]["sessionUpdates"]["lead"]["status"]
        for message in map(json.loads, (str(m) for _, m in sockets.held))
        if message.get("type") == "next" and message["payload"]["data"]["sessionUpdates"]["lead"]
    ]
    assert len(statuses) >= 4, statuses  # "five in a second": here at once
    await widget.element.evaluate(RECORD_SAID)
    sockets.release()

    async def anything_said() -> bool:
        return bool(await said(widget))

    await eventually(anything_said, "the updates said")
    live = widget.element.locator(LIVE)
    # Said once, whatever the timeline's words: the burst's sentences in one announcement.
    text = await live.inner_text()
    assert await said(widget) == [text]
    assert text.count(". ") >= 2, text


async def test_the_visitors_own_step_is_not_said_when_its_push_comes_first(
    widget: Widget,
) -> None:
    await widget.open()
    await walk_to(widget, "vehicle_knowledge")
    pushed = asyncio.Event()

    async def answer_after_the_push(route: Route) -> None:
        if "mutation Transition" not in (route.request.post_data or ""):
            await route.continue_()
            return
        response = await route.fetch()  # the session moves, and the server pushes the step
        await asyncio.wait_for(pushed.wait(), timeout=10)
        await route.fulfill(response=response)

    await widget.page.route("**/graphql", answer_after_the_push)
    await widget.element.evaluate(RECORD_SAID)
    await widget.choose("true")
    await widget.page.wait_for_function("() => window.trexSteps.at(-1) === 'vehicle_search'")
    pushed.set()  # shown by push; now the mutation's answer, the same step, arrives

    await widget.wait_for("vehicle_search")
    assert await widget.focused() == f"h2#{await widget.heading.inner_text()}"
    # Something the visitor causes next is said alone: nothing was waiting to be said before it.
    await widget.fill(zip="1")
    await widget.submit()
    live = widget.element.locator(LIVE)
    await expect(live).to_contain_text("attention.")
    assert await said(widget) == [await live.inner_text()]
    await widget.page.unroute("**/graphql")
