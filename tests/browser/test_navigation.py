"""Moving around a flow: back with the answers kept, a reload that resumes, results paging,
refining the criteria and choosing another vehicle."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.journeys import UI, walk, walk_to
from tests.browser.widget import Widget

TIME_LEFT = re.compile(r"^(About \d+ minutes? left|Less than a minute left)$")


async def test_back_returns_to_the_previous_step_with_its_answers(widget: Widget) -> None:
    await widget.open()
    await expect(widget.element.locator("button[data-back]")).to_have_count(0)
    await walk_to(widget, "search_results")

    await widget.back()
    await widget.wait_for("vehicle_search")
    await widget.shot()
    await expect(widget.control("make")).to_have_value("Toyota")
    await expect(widget.control("zip")).to_have_value("10001")
    assert await widget.focused() == "h2#Find your vehicle"

    await widget.back()
    await widget.wait_for("vehicle_knowledge")
    await expect(widget.element.locator("button.choice.chosen")).to_have_attribute(
        "data-value", "true"
    )


async def test_the_model_options_follow_the_make(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "vehicle_search")
    model = widget.control("model")
    await expect(model).to_be_disabled()

    await widget.select("make", "Honda")
    await expect(model.locator("option")).to_contain_text(["Any model", "Civic", "Accord"])
    await widget.select("model", "Civic")
    await widget.select("make", "Toyota")
    await expect(model).to_have_value("")
    await expect(model.locator("option", has_text="Corolla")).to_have_count(1)
    await expect(model.locator("option", has_text="Civic")).to_have_count(0)


async def test_a_reload_in_the_middle_resumes_the_same_step(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "private_buyer_details")
    before = await widget.saved_session()
    progress = await widget.element.locator(".progress").inner_text()
    # The server's estimate of the time left, never a step count.
    assert TIME_LEFT.match(progress.strip()), progress
    bar = widget.element.locator(".progress [role=progressbar]")
    await expect(bar).to_have_attribute("aria-valuetext", progress.strip())

    assert await widget.reload() == "private_buyer_details"

    assert await widget.saved_session() == before
    await expect(widget.element.locator(".progress")).to_have_text(progress)
    await UI[("private_buyer_details", "financing_needs")](widget)
    await widget.wait_for("financing_needs")


async def test_results_page_refine_and_choose_another(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "carin_results")
    await expect(widget.element.get_by_text(re.compile(r"^Page 1 of \d+$"))).to_be_visible()
    first_page = await widget.element.locator("[data-vehicle-id]").first.get_attribute(
        "data-vehicle-id"
    )

    await widget.button("Next page ›").click()
    await widget.wait_for("carin_results")
    await expect(widget.element.get_by_text(re.compile(r"^Page 2 of \d+$"))).to_be_visible()
    await expect(widget.element.locator("[data-vehicle-id]").first).not_to_have_attribute(
        "data-vehicle-id", first_page or ""
    )
    await expect(widget.element.locator(".score").first).to_contain_text("% match")
    await walk(widget, ["carin_results", "vehicle_selection"])

    await widget.button("Choose another vehicle").click()
    await widget.wait_for("carin_results")
    await widget.button("Change my criteria").click()
    await widget.wait_for("carin_questions")
    await expect(widget.control("budget_max")).to_have_value("35000")
    await expect(widget.field("must_haves").get_by_label("Automatic")).to_be_checked()


async def test_zero_matches_say_which_criteria_to_drop(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "vehicle_search")
    await widget.select("make", "Tesla")
    await widget.pick("fuel_type", "Diesel")
    await widget.submit()

    await widget.wait_for("search_results")
    await expect(widget.element.get_by_text("No vehicles match.")).to_be_visible()
    advice = widget.element.locator(".card", has_text="No vehicles match all of your criteria")
    await expect(advice.locator("li").first).to_contain_text("Any fuel type")
    await widget.shot("no-matches")
    await widget.button("Change my criteria").click()
    await widget.wait_for("vehicle_search")
    await expect(widget.field("fuel_type").get_by_label("Diesel", exact=True)).to_be_checked()
