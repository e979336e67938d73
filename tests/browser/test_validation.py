"""Validation in the element: the server's rules as inline hints before submit, in the server's
own words for each rule (`validationRules.messages`), so a hint while typing is the message the
server gives after submit for the same input, in either language; and the server's own verdicts
shown at the fields they concern."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Request, expect

from tests.browser.conftest import FrontendServer
from tests.browser.journeys import walk_to
from tests.browser.test_locale import serve_locale_pages
from tests.browser.widget import Widget
from tests.e2e.client import Api, operation
from tests.unit.test_microfrontend_catalogue import catalogue


def transitions(requests: list[Request]) -> list[Request]:
    return [r for r in requests if r.method == "POST" and "Transition" in (r.post_data or "")]


async def test_inline_hints_come_before_any_request(widget: Widget) -> None:
    sent: list[Request] = []
    widget.page.on("request", lambda request: sent.append(request))
    await widget.open()
    await walk_to(widget, "vehicle_search")
    before = len(transitions(sent))

    await widget.submit()
    assert await widget.error_at("make") == "Fill this in."
    assert await widget.focused() == "select#Make"
    await widget.fill(year_min="2020", year_max="2010")
    await widget.control("zip").focus()  # leaving the field shows its hint
    assert await widget.error_at("year_max") == (
        "This can't be lower than the minimum you entered."
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


async def _hints(widget: Widget, typed: dict[str, str], then: str) -> dict[str, str]:
    """Types each value, leaving the field for the next one (its hint shows on leaving), then
    the fields' inline hints: none of it sent to the server."""
    for name, value in typed.items():
        await widget.fill(**{name: value})
        await widget.control(then).focus()
    return {name: await widget.error_at(name) for name in typed}


async def _servers_messages(widget: Widget, step_id: str, data: dict[str, Any]) -> dict[str, str]:
    """The server's messages, by field, for the same answers posted through the API to the
    element's own session."""
    saved = await widget.saved_session()
    async with httpx.AsyncClient(base_url=widget.base_url, timeout=10) as http:
        variables = {
            "input": {"sessionId": saved["sessionId"], "currentStep": step_id, "data": data}
        }
        result = (await Api(http, "").execute(operation("transition"), variables, saved["token"]))[
            "transition"
        ]
    assert result["__typename"] == "ValidationFailed", result
    return {error["field"]: error["message"] for error in result["errors"]}


@pytest.mark.parametrize("locale", ["en-US", "es-US"])
async def test_a_hint_while_typing_is_the_servers_message_after_submit(
    widget: Widget, frontend: FrontendServer, locale: str
) -> None:
    serve_locale_pages(frontend)
    sent: list[Request] = []
    widget.page.on("request", lambda request: sent.append(request))
    assert await widget.open(f"/locale-page?lang=en&locale={locale}") == "intent_selection"
    await widget.choose("buying")
    await widget.wait_for("vehicle_knowledge")
    await widget.choose("true")
    await widget.wait_for("vehicle_search")
    before = len(transitions(sent))

    # A cross-field rule and a format, on the search.
    await widget.select("make", "Toyota")
    hints = await _hints(widget, {"year_min": "2020", "year_max": "2010", "zip": "123"}, "model")
    assert hints["year_min"] == ""
    assert all(hints[name] for name in ("year_max", "zip")), hints
    said = await _servers_messages(
        widget,
        "vehicle_search",
        {"make": "Toyota", "year_min": 2020, "year_max": 2010, "zip": "123"},
    )
    assert said == {name: hint for name, hint in hints.items() if hint}

    await widget.fill(year_max="2024", zip="10001")
    await widget.submit()
    await widget.wait_for("search_results")
    await widget.element.locator("[data-vehicle-id] button").first.click()
    await widget.wait_for("vehicle_selection")
    await widget.button(catalogue(locale)["selection.confirm"]).click()
    await widget.wait_for("buying_confirmation")
    after_walk = len(transitions(sent))

    # Formats while typing; then what is left empty or unticked, checked on submit in the page.
    typed = {"first_name": "Ada", "email": "ada@", "phone": "555-0123", "zip": "123"}
    hints = await _hints(widget, typed, "message")
    await widget.submit()
    for name in ("last_name", "consent_to_contact"):
        hints[name] = await widget.error_at(name)
    assert len(transitions(sent)) == after_walk  # all of it in the page
    assert hints["first_name"] == ""
    assert all(hints[name] for name in hints if name != "first_name"), hints
    said = await _servers_messages(
        widget, "buying_confirmation", {**typed, "consent_to_contact": False}
    )
    assert said == {name: hint for name, hint in hints.items() if hint}
    if locale == "es-US":  # the server's Spanish, not the element's English
        assert said["zip"] == "Ingresa un código postal (ZIP) de 5 dígitos."
    assert after_walk > before
