"""Validation in the element: the server's rules as inline hints before submit, and the server's
own verdicts shown at the fields they concern."""

from __future__ import annotations

from playwright.async_api import Request, expect

from tests.browser.journeys import walk_to
from tests.browser.widget import Widget


def transitions(requests: list[Request]) -> list[Request]:
    return [r for r in requests if r.method == "POST" and "Transition" in (r.post_data or "")]


async def test_inline_hints_come_before_any_request(widget: Widget) -> None:
    sent: list[Request] = []
    widget.page.on("request", lambda request: sent.append(request))
    await widget.open()
    await walk_to(widget, "vehicle_search")
    before = len(transitions(sent))

    await widget.submit()
    assert await widget.error_at("make") == "Make is required."
    assert await widget.focused() == "select#Make"
    await widget.fill(year_min="2020", year_max="2010")
    await widget.control("zip").focus()  # leaving the field shows its hint
    assert await widget.error_at("year_max") == (
        "Newest model year must not be less than Oldest model year (2020)."
    )
    await expect(widget.control("year_max")).to_have_attribute("aria-invalid", "true")
    await widget.fill(zip="123")
    await widget.control("price_max").focus()
    assert await widget.error_at("zip") == "Enter a 5-digit ZIP code."
    await widget.shot("vehicle_search-hints")
    assert len(transitions(sent)) == before

    await widget.fill(year_max="2024", zip="10001")
    await widget.select("make", "Honda")
    assert await widget.error_at("year_max") == ""
    await widget.submit()
    await widget.wait_for("search_results")
    assert len(transitions(sent)) == before + 1


async def test_contact_rules_are_checked_as_the_server_would(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "buying_confirmation")
    await widget.fill(first_name="Ada", last_name="Lovelace", email="ada@", phone="555-0123")
    await widget.submit()

    assert await widget.error_at("email") == "Enter a valid e-mail address, like name@example.com."
    assert await widget.error_at("phone") == (
        "Enter a US phone number, like (212) 555-0199, or one starting with +."
    )
    assert await widget.error_at("consent_to_contact") == "Tick this box to continue."
    assert await widget.focused() == "input#Email"
    await widget.shot("buying_confirmation-hints")


async def test_server_errors_appear_at_their_fields(widget: Widget) -> None:
    await widget.open()
    await walk_to(widget, "credit_check")
    # Nine digits pass the inline check; only the server knows 666 is never an SSN area.
    await widget.fill(full_name="Grace Hopper", date_of_birth="1980-12-09", ssn="666123456")
    await widget.fill(address_line="1 Infinite Loop", city="Cupertino", zip="95014")
    await widget.select("state", "California")
    await widget.fill(annual_income="85000")
    await widget.tick("consent_to_credit_check")
    await widget.submit()

    await expect(widget.field("ssn").locator(".error")).to_have_text(
        "This is not a valid Social Security number."
    )
    assert await widget.step_id() == "credit_check"
    ssn = widget.control("ssn")
    await expect(ssn).to_have_attribute("aria-invalid", "true")
    await expect(ssn).to_have_attribute("type", "password")
    await expect(ssn).to_have_value("666-12-3456")
    assert (await widget.focused()).startswith("input#Social Security number")
    await widget.shot("credit_check-server-error")

    await widget.fill(ssn="123456780")
    await widget.submit()
    await widget.wait_for("financing_result")
