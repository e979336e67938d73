"""Search that helps, in the element on trex v2: a search with no match fixed in one tap, the
criteria as chips removed in one tap, sorting, the page and sort kept after looking at a vehicle,
a drawing of each body type; on a desktop and at 375 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, ViewportSize, expect

from tests.browser.journeys import walk_to
from tests.browser.widget import Widget
from tests.e2e.conftest import RunningServer

PHONE: ViewportSize = {"width": 375, "height": 812}
COUNT = re.compile(r"\((\d+) match(?:es)?\)")
MATCHES = re.compile(r"^(\d+) vehicles match\.$")


@pytest.fixture(params=["desktop", "phone"])
async def any_widget(
    request: pytest.FixtureRequest, page: Page, frontend: RunningServer, shots: Path
) -> Widget:
    """The element on a desktop, or on a 375 px phone."""
    if request.param == "phone":
        await page.set_viewport_size(PHONE)
    widget = Widget(page, frontend.base_url, shots)
    widget.whole_page_shots = request.param == "phone"
    return widget


async def searched(w: Widget, make: str, **criteria: str) -> None:
    """On the search form, the make and `criteria` (a select, a fuel's radio label or text)."""
    await w.open()
    await walk_to(w, "vehicle_search")
    await expect(w.field("fuel_type").get_by_label("Any fuel type", exact=True)).to_be_checked()
    await w.select("make", make)
    for name, value in criteria.items():
        if name in ("model", "body_type"):
            await w.select(name, value)
        elif name == "fuel_type":
            await w.pick(name, value)
        else:
            await w.fill(**{name: value})
    await w.submit()
    await w.wait_for("search_results")


async def total(w: Widget) -> int:
    text = (await w.element.locator("p[role=status]").inner_text()).strip()
    found = MATCHES.match(text)
    assert found, text
    return int(found.group(1))


def chip(w: Widget, text: str) -> Locator:
    return w.element.get_by_role("button", name=f"{text}, remove", exact=True)


async def fits_the_width(w: Widget) -> None:
    overflow = await w.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px wider than the viewport"


async def test_a_search_with_no_match_is_fixed_in_one_tap(any_widget: Widget) -> None:
    w = any_widget
    await searched(w, "Honda", model="Pilot", fuel_type="Hybrid")
    await expect(w.element.get_by_text("No vehicles match.")).to_be_visible()
    chips = w.element.locator("ul[aria-label='Your criteria'] li")
    await expect(chips).to_have_text(["Make: Honda", "Model: Pilot ×", "Fuel type: Hybrid ×"])
    offer = w.element.get_by_role("button", name=re.compile(r"^Any fuel type \(\d+ match"))
    label = await offer.inner_text()
    await w.shot("no-matches")
    await fits_the_width(w)

    await offer.click()
    await w.wait_for("search_results")

    count = COUNT.search(label)
    assert count, label
    assert await total(w) == int(count.group(1))
    await expect(chips).to_have_text(["Make: Honda", "Model: Pilot ×"])
    await expect(w.element.locator("[data-vehicle-id]").first).to_be_visible()
    await w.shot("widened")
    await w.button("Change my criteria").click()
    await w.wait_for("vehicle_search")
    await expect(w.field("fuel_type").get_by_label("Any fuel type", exact=True)).to_be_checked()
    await expect(w.control("body_type").locator("option").first).to_have_text("Any body type")


async def test_a_chip_is_removed_in_one_tap(any_widget: Widget) -> None:
    w = any_widget
    await searched(w, "Ford", price_max="30000", body_type="suv")
    await expect(chip(w, "Max price: $30,000")).to_be_visible()
    body = chip(w, "Body type: SUV")
    before = await total(w) if await w.element.locator("[data-vehicle-id]").count() else 0

    await body.click()
    await w.wait_for("search_results")

    await expect(chip(w, "Body type: SUV")).to_have_count(0)
    await expect(chip(w, "Max price: $30,000")).to_be_visible()
    assert await total(w) > before
    await fits_the_width(w)


async def test_sorting_by_price_and_the_page_kept_after_a_vehicle(any_widget: Widget) -> None:
    w = any_widget
    await searched(w, "Toyota", zip="10001")
    sort = w.element.get_by_role("group", name="Sort by")
    await expect(sort.get_by_role("button", name="Nearest first")).to_have_attribute(
        "aria-pressed", "true"
    )

    await sort.get_by_role("button", name="Lowest price").click()
    await w.wait_for("search_results")
    await expect(sort.get_by_role("button", name="Lowest price")).to_have_attribute(
        "aria-pressed", "true"
    )
    prices = await w.element.locator("[data-vehicle-id] .price").all_inner_texts()
    values = [int(re.sub(r"\D", "", price)) for price in prices]
    assert values == sorted(values), values
    await w.shot("by-price")
    await fits_the_width(w)

    await w.button("Next page ›").click()
    await w.wait_for("search_results")
    await expect(w.element.get_by_text(re.compile(r"^Page 2 of \d+$"))).to_be_visible()
    card = w.element.locator("[data-vehicle-id]").nth(1)
    chosen = await card.get_attribute("data-vehicle-id")
    await card.locator("button").click()
    await w.wait_for("vehicle_selection")
    await w.back()
    await w.wait_for("search_results")
    await expect(w.element.get_by_text(re.compile(r"^Page 2 of \d+$"))).to_be_visible()
    await expect(sort.get_by_role("button", name="Lowest price")).to_have_attribute(
        "aria-pressed", "true"
    )

    await w.element.locator(f'[data-vehicle-id="{chosen}"] button').click()
    await w.wait_for("vehicle_selection")
    await w.button("Choose another vehicle").click()
    await w.wait_for("search_results")
    await expect(w.element.get_by_text(re.compile(r"^Page 2 of \d+$"))).to_be_visible()
    await expect(w.element.locator(f'[data-vehicle-id="{chosen}"]')).to_have_count(1)


async def test_each_card_draws_its_body_type_hidden_from_assistive_technology(
    widget: Widget,
) -> None:
    await searched(widget, "Ford")
    cards = widget.element.locator("[data-vehicle-id]")
    await expect(cards.first).to_be_visible()
    for index in range(await cards.count()):
        art = cards.nth(index).locator("svg.art")
        await expect(art).to_have_attribute("aria-hidden", "true")
        facts = await cards.nth(index).locator(".facts").inner_text()
        body = await art.get_attribute("data-body")
        assert body is not None
        assert body.lower() in facts.lower(), (body, facts)
    requests: list[str] = []
    widget.page.on("request", lambda request: requests.append(request.url))
    await widget.button("Next page ›").click()
    await widget.wait_for("search_results")
    assert not [url for url in requests if re.search(r"\.(svg|png|jpe?g|webp)(\?|$)", url)]
