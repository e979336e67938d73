"""The confirmation's Change links: one tap back to the part to change, its answers kept;
desktop and a 375-px phone."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.journeys import walk_to
from tests.browser.widget import Widget


@pytest.mark.parametrize("width", [1280, 375])
async def test_change_goes_back_to_the_part_with_its_answers(widget: Widget, width: int) -> None:
    await widget.page.set_viewport_size({"width": width, "height": 900})
    await widget.open()
    await walk_to(widget, "selling_confirmation")
    change = widget.element.locator('[data-change="private_buyer_details"] button')
    await expect(change).to_have_text("Change: Your vehicle and its buyer")
    await widget.shot()
    await change.click()
    await widget.wait_for("private_buyer_details")
    await expect(widget.control("agreed_price")).to_have_value("14500")
    await expect(widget.control("buyer_name")).to_have_value("Grace Hopper")
