"""Every flow of FLOWS.md as a visitor walks it through the element: for each transition of the
definition, what to do on screen to take it, and the flows as lists of step ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import httpx

from tests.browser.widget import Widget
from tests.e2e.client import Api
from tests.e2e.financing import invitation_token, invite
from tests.e2e.walk import FINANCING, WORKFLOW, route_to

Action = Callable[[Widget], Awaitable[None]]


def choose(value: str) -> Action:
    async def act(w: Widget) -> None:
        await w.choose(value)

    return act


def press(name: str) -> Action:
    async def act(w: Widget) -> None:
        await w.button(name).click()

    return act


async def search(w: Widget) -> None:
    # A whole make: each buying flow holds the vehicle it chose, and the tests share a database.
    await w.select("make", "Toyota")
    await w.fill(zip="10001")
    await w.submit()


async def carin(w: Widget) -> None:
    await w.fill(budget_max="35,000", passengers="5", annual_miles="12000", zip="60601")
    await w.pick("primary_use", "Family")
    await w.pick("fuel_preference", "No preference")
    await w.pick("must_haves", "Automatic transmission")
    await w.submit()


async def first_vehicle(w: Widget) -> None:
    await w.element.locator("[data-vehicle-id] button").first.click()


async def contact(w: Widget) -> None:
    await w.fill(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    await w.fill(phone="(415) 555-0123", zip="10001", message="Weekday evenings are best.")
    await w.pick("preferred_contact", "Email")
    await w.tick("consent_to_contact")
    await w.submit()


async def vehicle_to_sell(w: Widget) -> None:
    await w.fill(make="Honda", model="Civic", year="2018", mileage="48000")
    await w.pick("condition", "Good")


async def private_buyer(w: Widget) -> None:
    await vehicle_to_sell(w)
    await w.fill(agreed_price="14500", buyer_name="Grace Hopper", buyer_email="grace@example.com")
    await w.submit()


async def credit_applicant(w: Widget, ssn: str = "123-45-6780") -> None:
    """The buyer's own application (buyer_financing's credit check)."""
    await w.fill(full_name="Grace Hopper", date_of_birth="1980-12-09", ssn=ssn)
    await w.fill(address_line="1 Infinite Loop", city="Cupertino", zip="95014")
    await w.select("state", "California")
    await w.fill(annual_income="85000")
    await w.tick("consent_to_credit_check")
    await w.submit()


async def invite_by_email(w: Widget) -> None:
    """The seller sends the buyer the invitation to the address given with the sale."""
    await w.pick("invite_channel", "Email")
    await w.submit()


async def dealer(w: Widget) -> None:
    await w.button("Choose a dealer").click()
    dialog = w.element.locator("dialog")
    await dialog.get_by_role("searchbox").fill("capital")
    await dialog.locator("[data-dealer-id]").first.click()
    await w.fill(offer_amount="9000")
    await vehicle_to_sell(w)
    await w.submit()


async def dealer_network(w: Widget) -> None:
    await w.fill(vin="1HGCM82633A004352", mileage="120000", asking_price="15000", zip="10001")
    await w.pick("condition", "Fair")
    await w.submit()


async def share_outcome(w: Widget) -> None:
    await w.pick("share_with_seller", "Only whether I prequalified")
    await w.submit()


async def by_push(_: Widget) -> None:
    """Nothing to do: the server moves the session and pushes the step."""


UI: dict[tuple[str, str], Action] = {
    ("intent_selection", "vehicle_knowledge"): choose("buying"),
    ("intent_selection", "has_buyer"): choose("selling"),
    ("vehicle_knowledge", "vehicle_search"): choose("true"),
    ("vehicle_knowledge", "carin_questions"): choose("false"),
    ("vehicle_search", "search_results"): search,
    ("search_results", "vehicle_selection"): first_vehicle,
    ("search_results", "vehicle_search"): press("Change my criteria"),
    ("carin_questions", "carin_results"): carin,
    ("carin_results", "vehicle_selection"): first_vehicle,
    ("carin_results", "carin_questions"): press("Change my criteria"),
    ("vehicle_selection", "buying_confirmation"): press("Yes, this is the one"),
    ("vehicle_selection", "search_results"): press("Choose another vehicle"),
    ("buying_confirmation", "buying_complete"): contact,
    ("has_buyer", "buyer_type"): choose("true"),
    ("has_buyer", "dealer_network"): choose("false"),
    ("buyer_type", "private_buyer_details"): choose("private"),
    ("buyer_type", "dealer_information"): choose("dealer"),
    ("private_buyer_details", "financing_needs"): private_buyer,
    ("financing_needs", "buyer_financing_invite"): choose("true"),
    ("financing_needs", "selling_confirmation"): choose("false"),
    ("buyer_financing_invite", "selling_confirmation"): invite_by_email,
    ("selling_confirmation", "replacement_check"): contact,
    ("dealer_information", "dealer_sale_confirmation"): dealer,
    ("dealer_sale_confirmation", "replacement_check"): contact,
    ("dealer_network", "credit_consent"): dealer_network,
    ("credit_consent", "dealer_confirmation"): choose("true"),
    ("dealer_confirmation", "replacement_check"): contact,
    ("replacement_check", "vehicle_knowledge"): choose("true"),
    ("replacement_check", "selling_complete"): choose("false"),
    # The buyer's own financing (a page opened from the seller's invitation).
    ("financing_intro", "credit_check"): press("Start my application"),
    ("credit_check", "credit_check_pending"): credit_applicant,
    ("credit_check_pending", "financing_result"): by_push,
    ("financing_result", "financing_complete"): share_outcome,
}

BUYING = ["intent_selection", "vehicle_knowledge"]
SELLING = ["intent_selection", "has_buyer"]
SEARCH = ["vehicle_search", "search_results", "vehicle_selection", "buying_confirmation"]
CARIN = ["carin_questions", "carin_results", "vehicle_selection", "buying_confirmation"]
NO_REPLACEMENT = ["replacement_check", "selling_complete"]

# Every path of FLOWS.md to its end; together they take every transition of UI.
FLOWS: dict[str, list[str]] = {
    "buying by search": [*BUYING, *SEARCH, "buying_complete"],
    "buying with CarIn": [*BUYING, *CARIN, "buying_complete"],
    "selling privately, no financing": [
        *SELLING,
        "buyer_type",
        "private_buyer_details",
        "financing_needs",
        "selling_confirmation",
        *NO_REPLACEMENT,
    ],
    "selling privately, the buyer invited to apply for financing": [
        *SELLING,
        "buyer_type",
        "private_buyer_details",
        "financing_needs",
        "buyer_financing_invite",
        "selling_confirmation",
        *NO_REPLACEMENT,
    ],
    "selling to a dealer": [
        *SELLING,
        "buyer_type",
        "dealer_information",
        "dealer_sale_confirmation",
        *NO_REPLACEMENT,
    ],
    "selling to the dealer network, then a replacement": [
        *SELLING,
        "dealer_network",
        "credit_consent",
        "dealer_confirmation",
        "replacement_check",
        "vehicle_knowledge",
        *SEARCH,
        "buying_complete",
    ],
}


Check = Callable[[Widget], Awaitable[None]]


async def labelled(w: Widget) -> None:
    assert await w.unlabelled() == [], await w.step_id()


async def walk(w: Widget, steps: list[str], *, shots: bool = True, check: Check = labelled) -> None:
    """From the current step (steps[0]) through each next one; at every step a screenshot and
    `check` (by default: each control of the step has an accessible name)."""
    assert await w.step_id() == steps[0]
    for source, target in itertools.pairwise(steps):
        if shots:
            await w.shot()
            await check(w)
        await UI[(source, target)](w)
        await w.wait_for(target)
    if shots:
        await w.shot()
        await check(w)


async def walk_to(w: Widget, step_id: str) -> None:
    """From the first step to `step_id` by the definition's shortest known way, no photographs
    (a step of the buyer's own financing: from the page the seller's invitation opens)."""
    workflow = WORKFLOW
    if step_id not in WORKFLOW.steps:
        workflow = FINANCING
        assert await open_invitation(w) == workflow.entries["buyer_financing"]
    steps = [edge[0] for edge in route_to(step_id, workflow)] + [step_id]
    await walk(w, steps, shots=False)


async def open_invitation(w: Widget, path: str = "/demo") -> str:
    """A seller invites a buyer over the API; the buyer opens the link's token on `path`."""
    async with httpx.AsyncClient(base_url=w.base_url, timeout=10) as http:
        api = Api(http, ws_url="")
        _, to = await invite(api)
        token = await invitation_token(api, to)
    return await w.open(f"{path}?trex_invitation={token}")
