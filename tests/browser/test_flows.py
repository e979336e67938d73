"""Every flow of FLOWS.md, walked to its end through the element, a screenshot at every step."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.journeys import FLOWS, walk
from tests.browser.widget import Widget


@pytest.mark.parametrize("flow", FLOWS, ids=[name.replace(" ", "-") for name in FLOWS])
async def test_every_flow_runs_to_its_end(widget: Widget, flow: str) -> None:
    steps = FLOWS[flow]
    assert await widget.open() == steps[0]

    await walk(widget, steps)

    await expect(widget.element.locator(".reference")).to_have_text(re.compile(r"^TRX-\w+$"))
    assert await widget.shown_steps() == steps
    # The lead pipeline pushes its progress to the completion step's timeline, to the end.
    timelines = widget.element.locator("[data-lead-id]")
    done = timelines.first.locator('.timeline li.done[data-status="COMPLETED"]')
    await expect(done).to_have_count(1, timeout=10_000)
    if "replacement" in flow:  # the trade-in's lead, submitted earlier in the session
        await expect(widget.element.get_by_text("Also sent: TRX-")).to_be_visible()
        await expect(timelines).to_have_count(2)
    await widget.shot("timeline-completed")
