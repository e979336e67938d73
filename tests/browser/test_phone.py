"""The element on a 375-pixel-wide phone: nothing wider than the screen, touch-sized targets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Browser, BrowserContext, ViewportSize

from tests.browser.journeys import FLOWS, labelled, walk
from tests.browser.widget import RECORD_STEPS, Widget

PHONE: ViewportSize = {"width": 375, "height": 740}


@asynccontextmanager
async def phone_context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A 375-px touch phone's browser context, recording the steps shown."""
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    await context.add_init_script(RECORD_STEPS)
    try:
        yield context
    finally:
        await context.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    async with phone_context(browser) as phone:
        yield phone


async def fits_the_phone(w: Widget) -> None:
    await labelled(w)
    width = await w.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{await w.step_id()} is {width}px wide"
    too_small: list[str] = await w.element.evaluate(
        """(host) => [...host.shadowRoot.querySelectorAll(
              'button, select, input:not([type=checkbox]):not([type=radio]), label.check')]
            .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
            .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert too_small == [], too_small


@pytest.mark.parametrize("flow", ["buying with CarIn", "selling to a dealer"])
async def test_flows_fit_a_375_pixel_phone(widget: Widget, flow: str) -> None:
    widget.whole_page_shots = True
    await widget.open()
    await walk(widget, FLOWS[flow], check=fits_the_phone)
