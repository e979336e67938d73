"""The buyer's own financing in the element (FLOWS.md "Buyer financing"): a seller walks a
private sale with financing and sends the invitation; the link the sandbox's communications
service delivered opens in a second browser context (the buyer), who applies; the seller's page,
still open, learns by push only what the buyer shares."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import DESKTOP, FrontendServer
from tests.browser.journeys import FLOWS, UI, credit_applicant, walk
from tests.browser.widget import RECORD_STEPS, Widget
from tests.support import answers
from tests.support.waiting import eventually

PHONE: ViewportSize = {"width": 375, "height": 812}
SELLER = FLOWS["selling privately, the buyer invited to apply for financing"][:-2]


async def seller_invites(seller: Widget, email: str) -> None:
    """The seller's private sale up to replacement_check, the invitation sent to `email`."""
    assert await seller.open() == SELLER[0]
    await walk(seller, SELLER[: SELLER.index("private_buyer_details") + 1], shots=False)
    await UI[("private_buyer_details", "financing_needs")](seller)
    await seller.wait_for("financing_needs")
    await seller.choose("true")
    await seller.wait_for("buyer_financing_invite")
    # Only the address of the chosen channel shows, prefilled from the sale.
    await seller.pick("invite_channel", "Text message (SMS)")
    await expect(seller.field("buyer_phone")).to_be_visible()
    await expect(seller.field("buyer_email")).to_be_hidden()
    await seller.pick("invite_channel", "Email")
    await expect(seller.control("buyer_email")).to_have_value(email)
    await expect(seller.field("buyer_phone")).to_be_hidden()
    await expect(seller.element.locator("[data-invite-terms]")).to_contain_text("never see")
    await seller.shot()
    await seller.submit()
    await seller.wait_for("selling_confirmation")
    shown = seller.element.locator("[data-financing]")
    await expect(shown).to_contain_text(f"Invitation sent by email to {email[0]}•••@example.com")
    await walk(seller, ["selling_confirmation", "replacement_check"], shots=False)


async def invitation_link(base_url: str, to: str) -> str:
    found: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:

        async def delivered() -> bool:
            response = await http.get("/sandbox/communications/messages", params={"to": to})
            found[:] = [
                m for m in response.json()["messages"] if m["template"] == "financing_invitation"
            ]
            return bool(found)

        await eventually(delivered, f"an invitation to {to}", 10)
    return str(found[-1]["data"]["link"])


async def buyer_page(browser: Browser, viewport: ViewportSize) -> Page:
    context = await browser.new_context(viewport=viewport)  # a separate buyer: own storage
    await context.add_init_script(RECORD_STEPS)
    return await context.new_page()


@pytest.fixture
def buyer_email() -> str:
    return f"b{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture(autouse=True)
def own_buyer_address(monkeypatch: pytest.MonkeyPatch, buyer_email: str) -> None:
    """The sale's buyer gets this test's own address (the messages are looked up by it)."""
    from tests.browser import journeys

    async def private_buyer(w: Widget) -> None:
        await journeys.vehicle_to_sell(w)
        await w.fill(agreed_price="14500", buyer_name="Grace Hopper", buyer_email=buyer_email)
        await w.submit()

    monkeypatch.setitem(journeys.UI, ("private_buyer_details", "financing_needs"), private_buyer)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
async def test_the_buyer_prequalifies_and_the_seller_is_told_by_push(
    widget: Widget,
    browser: Browser,
    frontend: FrontendServer,
    shots: Path,
    buyer_email: str,
    viewport: ViewportSize,
) -> None:
    await widget.page.set_viewport_size(viewport)
    await seller_invites(widget, buyer_email)
    link = await invitation_link(frontend.base_url, buyer_email)
    assert "trex_invitation=" in link

    page = await buyer_page(browser, viewport)
    try:
        buyer = Widget(page, frontend.base_url, shots / "buyer")
        buyer.shots.mkdir(exist_ok=True)
        await page.goto(link)
        assert await buyer.first_step() == "financing_intro"
        assert "trex_invitation" not in page.url
        intro = buyer.element.locator("section.step")
        await expect(intro).to_contain_text("$14,500")
        await expect(intro).to_contain_text("Honda Civic")
        await expect(intro).to_contain_text("does not affect your credit score")
        await expect(intro).to_contain_text(re.compile(r"It takes about \d+ (seconds|minutes?)"))
        await buyer.shot()
        await buyer.button("Start my application").click()
        await buyer.wait_for("credit_check")
        await expect(buyer.field("state").locator("select")).to_be_visible()
        await buyer.shot()
        await credit_applicant(buyer, answers.APPROVED_SSN)
        await buyer.wait_for("financing_result")
        outcome = buyer.element.locator('[data-result="approved"]')
        await expect(outcome.locator("table.terms tbody tr")).to_have_count(4)
        await expect(outcome).to_contain_text("not an offer of credit")
        # The share choice is the buyer's to make: nothing is chosen for them.
        radios = buyer.field("share_with_seller").locator("input[type=radio]")
        for i in range(await radios.count()):
            await expect(radios.nth(i)).not_to_be_checked()
        await buyer.submit()
        # In the page, in the server's words for it (the definition's message for the rule).
        await expect(buyer.field("share_with_seller").locator(".error")).to_have_text(
            "Choose what the seller may know."
        )
        await buyer.shot()
        await UI[("financing_result", "financing_complete")](buyer)
        await buyer.wait_for("financing_complete")
        await expect(buyer.element.locator('[data-shared="outcome_only"]')).to_be_visible()
        await expect(buyer.element.locator(".reference")).to_have_count(0)
        await buyer.shot()
    finally:
        await page.context.close()

    news = widget.element.locator('[data-financing-news][data-status="FINANCING_PREQUALIFIED"]')
    await expect(news).to_have_text("Your buyer prequalified for financing.", timeout=10_000)
    await widget.shot("seller-told")
    await widget.choose("false")
    await widget.wait_for("selling_complete")
    row = widget.element.locator('.timeline li[data-status="FINANCING_PREQUALIFIED"]')
    await expect(row).to_contain_text("Your buyer prequalified for financing.", timeout=10_000)
    await widget.shot("seller-timeline")


async def test_a_declined_buyer_reads_the_notice(
    widget: Widget, browser: Browser, frontend: FrontendServer, shots: Path, buyer_email: str
) -> None:
    await seller_invites(widget, buyer_email)
    link = await invitation_link(frontend.base_url, buyer_email)
    page = await buyer_page(browser, PHONE)
    try:
        buyer = Widget(page, frontend.base_url, shots)
        await page.goto(link)
        assert await buyer.first_step() == "financing_intro"
        await buyer.button("Start my application").click()
        await buyer.wait_for("credit_check")
        await credit_applicant(buyer, answers.DECLINED_SSN)
        await buyer.wait_for("financing_result")
        outcome = buyer.element.locator('[data-result="declined"]')
        await expect(outcome.locator("[data-bureau]")).to_contain_text("1-800")
        await expect(outcome).to_contain_text("free copy")
        await expect(outcome).to_contain_text("dispute")
        await buyer.shot("declined", whole_page=True)
        # A used invitation opens nothing: the server's message, and no retry.
        await page.goto(link)
        banner = buyer.element.locator(".banner.error")
        await expect(banner).to_contain_text("already used")
        await expect(banner.get_by_role("button")).to_have_count(0)
    finally:
        await page.context.close()
