"""Keyboard and screen-reader use: a whole flow by keyboard only, focus on each new step's
heading, the dealer picker dialog, and lead updates announced."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.widget import Widget


async def tab_to(w: Widget, wanted: str, limit: int = 60) -> None:
    """Presses Tab until the focused control's description starts with `wanted`."""
    for _ in range(limit):
        if (await w.focused()).startswith(wanted):
            return
        await w.page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {wanted!r}; focus is on {await w.focused()!r}")


async def press_on(w: Widget, wanted: str, key: str = "Enter") -> None:
    await tab_to(w, wanted)
    await w.page.keyboard.press(key)


async def type_into(w: Widget, wanted: str, text: str) -> None:
    await tab_to(w, wanted)
    await w.page.keyboard.type(text)


async def arrive(w: Widget, step_id: str, heading: str) -> None:
    """The step is shown and keyboard focus is on its heading."""
    await w.wait_for(step_id)
    assert await w.focused() == f"h2#{heading}"
    await w.shot()


async def test_one_flow_by_keyboard_only(widget: Widget) -> None:
    w = widget
    assert await w.open() == "intent_selection"
    assert (await w.focused()).startswith("body")  # a page load never pulls focus in
    await w.shot()
    await press_on(w, "button#Selling")
    await arrive(w, "has_buyer", "Do you already have a buyer?")
    await press_on(w, "button#Yes")
    await arrive(w, "buyer_type", "Who is buying?")
    await press_on(w, "button#Dealer")
    await arrive(w, "dealer_information", "Sell to a dealer")

    await press_on(w, "button#Choose a dealer")
    assert await w.focused() == "input#Search dealers"
    await w.page.keyboard.type("sacramento")
    await w.shot("dealer-picker", whole_page=True)
    await press_on(w, "button#Capital Motors")
    assert await w.focused() == "button#Change dealer"  # focus is back where it was
    await expect(w.field("dealer_id")).to_contain_text("Capital Motors")
    await type_into(w, "input#Dealer's offer", "9000")
    await type_into(w, "input#Make", "Honda")
    await type_into(w, "input#Model", "Civic")
    await type_into(w, "input#Model year", "2018")
    await type_into(w, "input#Mileage", "48000")
    await w.page.keyboard.press("Tab")
    await w.page.keyboard.press("Space")  # the first condition, then the next by arrow
    await w.page.keyboard.press("ArrowRight")
    await expect(w.field("condition").get_by_label("Good", exact=True)).to_be_checked()
    await w.shot("dealer_information-filled")
    await press_on(w, "button#Send to the dealer")
    await arrive(w, "replacement_check", "Would you like a replacement vehicle?")
    await press_on(w, "button#No, I'm done")
    await arrive(w, "selling_complete", "All done")

    live = w.element.get_by_role("status").first
    await expect(live).to_contain_text("All done", timeout=10_000)
