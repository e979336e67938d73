"""Every path of FLOWS.md walked to its terminal step over HTTP, by a client that knows only
API.md and FLOWS.md."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.e2e.client import Api, Flow
from tests.e2e.financing import applicant, apply, invitation_token, invite, lead_statuses
from tests.support import answers


async def _buy_by_search(flow: Flow) -> None:
    await flow.submit({"knows_vehicle": True})
    await flow.submit(answers.SEARCH)
    assert flow.step["total"] > 0
    await flow.submit({"vehicle_id": flow.step["vehicles"][0]["id"]})
    await flow.submit({"confirm": True})


async def _buy_by_carin(flow: Flow) -> None:
    await flow.submit({"knows_vehicle": False})
    await flow.submit(answers.CARIN)
    assert flow.step_id == "carin_results"
    best = flow.step["vehicles"][0]
    assert 0 <= best["matchScore"] <= 100
    assert best["matchReasons"]
    await flow.submit({"vehicle_id": best["id"]})
    await flow.submit({"confirm": True})


async def _finish_selling(flow: Flow, wants_replacement: bool = False) -> None:
    await flow.submit(answers.CONTACT)
    assert flow.step_id == "replacement_check"
    await flow.submit({"wants_replacement": wants_replacement})


async def test_buying_by_search_ends_with_a_lead_for_the_chosen_vehicle(api: Api) -> None:
    flow = await api.start()
    await flow.submit({"intent": "buying"})
    await _buy_by_search(flow)
    chosen = flow.step["summary"]["vehicle"]["id"]
    await flow.submit(answers.CONTACT)
    assert flow.seen == [
        "intent_selection",
        "vehicle_knowledge",
        "vehicle_search",
        "search_results",
        "vehicle_selection",
        "buying_confirmation",
        "buying_complete",
    ]
    assert flow.step["session"]["status"] == "SUBMITTED"
    assert flow.step["summary"]["vehicle"]["id"] == chosen
    assert flow.step["navigation"]["canGoBack"] is False


async def test_buying_by_carin_ranks_then_submits(api: Api) -> None:
    flow = await api.start("BUYING")
    assert flow.step_id == "vehicle_knowledge"
    await _buy_by_carin(flow)
    await flow.submit(answers.CONTACT)
    assert flow.seen == [
        "vehicle_knowledge",
        "carin_questions",
        "carin_results",
        "vehicle_selection",
        "buying_confirmation",
        "buying_complete",
    ]
    assert flow.step["leadStatus"] == "RECEIVED"  # the saga takes it from here


async def test_selling_to_a_private_buyer_without_financing(api: Api) -> None:
    flow = await api.start("SELLING")
    await flow.submit({"has_buyer": True})
    await flow.submit({"buyer_type": "private"})
    await flow.submit(answers.PRIVATE_BUYER)
    await flow.submit({"needs_financing": False})
    assert flow.step_id == "selling_confirmation"
    assert flow.step["credit"] is None
    await _finish_selling(flow)
    assert flow.seen == [
        "has_buyer",
        "buyer_type",
        "private_buyer_details",
        "financing_needs",
        "selling_confirmation",
        "replacement_check",
        "selling_complete",
    ]
    assert flow.step["summary"]["kind"] == "selling"


@pytest.mark.parametrize(
    ("ssn", "outcome", "shared"),
    [
        (answers.APPROVED_SSN, "approved", "FINANCING_PREQUALIFIED"),
        (answers.DECLINED_SSN, "declined", "FINANCING_NOT_PREQUALIFIED"),
        (answers.REFERRED_SSN, "referred", None),
    ],
)
async def test_selling_with_financing_goes_on_while_the_buyer_waits_for_the_credit_outcome(
    api: Api, ssn: str, outcome: str, shared: str | None
) -> None:
    seller, to = await invite(api)  # the seller is on selling_confirmation at once
    assert seller.step["session"]["status"] == "ACTIVE"
    assert seller.step["credit"] is None
    assert seller.step["summary"]["financing"]["status"] == "invited"
    await _finish_selling(seller)
    assert seller.step_id == "selling_complete"

    buyer = await apply(api, await invitation_token(api, to))
    await buyer.submit({"continue": True})
    await buyer.submit(applicant(ssn))
    assert buyer.step_id == "credit_check_pending"
    assert buyer.step["awaiting"] == "credit_result"
    assert buyer.step["session"]["status"] == "WAITING"
    result = await buyer.wait_for("financing_result")
    assert result["outcome"] == outcome
    if outcome == "approved":
        assert result["amount"] == 34_000
        assert result["apr"] > 0
    await buyer.submit({"share_with_seller": "outcome_only"})
    assert buyer.step_id == "financing_complete"

    # The seller's lead learns the outcome the buyer shared (a referral is no outcome yet).
    events = await lead_statuses(api, seller, "FINANCING_STARTED", shared or "COMPLETED")
    financing = [e["status"] for e in events if e["status"].startswith("FINANCING_")]
    assert financing == ["FINANCING_STARTED"] + ([shared] if shared else [])


async def test_selling_to_a_dealer_then_buying_a_replacement_links_the_leads(api: Api) -> None:
    flow = await api.start()
    await flow.submit({"intent": "selling"})
    await flow.submit({"has_buyer": True})
    await flow.submit({"buyer_type": "dealer"})
    dealer = flow.step["dealers"][0]
    await flow.submit({"dealer_id": dealer["id"], "offer_amount": 9_800, **answers.VEHICLE_BY_VIN})
    assert flow.step_id == "dealer_sale_confirmation"
    await flow.submit(answers.CONTACT)  # the dealer-sale lead
    assert flow.step_id == "replacement_check"
    await flow.submit({"wants_replacement": True})
    assert flow.step_id == "vehicle_knowledge"
    await _buy_by_search(flow)
    assert flow.step_id == "buying_confirmation"
    await flow.submit(answers.CONTACT)
    assert flow.step_id == "buying_complete"
    assert len(flow.step["linkedLeadReferences"]) == 1
    assert flow.step["summary"]["trade_in"]["reference"] == flow.step["linkedLeadReferences"][0]


@pytest.mark.parametrize("consent", [True, False])
async def test_selling_through_the_dealer_network(api: Api, consent: bool) -> None:
    flow = await api.start("SELLING")
    await flow.submit({"has_buyer": False})
    await flow.submit({**answers.VEHICLE_TO_SELL, "asking_price": 15_000, "zip": "30301"})
    assert flow.step_id == "credit_consent"
    assert flow.step["consentVersion"]
    assert flow.step["consentText"]
    await flow.submit({"consent": consent})
    assert flow.step_id == "dealer_confirmation"
    assert flow.step["values"]["zip"] == "30301"  # prefilled from the dealer network step
    await _finish_selling(flow)
    assert flow.seen[-1] == "selling_complete"
    assert flow.step["summary"]["credit_consent"]["consent"] is consent


async def test_replacement_after_private_sale_prefills_contact_details(api: Api) -> None:
    flow = await api.start("SELLING")
    await flow.submit({"has_buyer": True})
    await flow.submit({"buyer_type": "private"})
    await flow.submit(answers.PRIVATE_BUYER)
    await flow.submit({"needs_financing": False})
    await _finish_selling(flow, wants_replacement=True)
    await _buy_by_carin(flow)
    assert flow.step_id == "buying_confirmation"
    prefilled = flow.step["values"]
    assert prefilled["email"] == answers.CONTACT["email"]
    assert prefilled["last_name"] == answers.CONTACT["last_name"]


async def test_search_refine_and_paging(api: Api) -> None:
    flow = await api.start("BUYING")
    await flow.submit({"knows_vehicle": True})
    await flow.submit({"make": "Ford"})
    first_page = [v["id"] for v in flow.step["vehicles"]]
    assert flow.step["total"] > len(first_page) > 0
    await flow.submit({"page": 2})
    assert flow.step_id == "search_results"
    assert flow.step["page"] == 2
    assert not set(first_page) & {v["id"] for v in flow.step["vehicles"]}
    await flow.submit({"refine": True})
    assert flow.step_id == "vehicle_search"
    assert flow.step["values"]["make"] == "Ford"


async def test_a_search_without_matches_suggests_relaxations(api: Api) -> None:
    flow = await api.start("BUYING")
    await flow.submit({"knows_vehicle": True})
    await flow.submit({"make": "Tesla", "fuel_type": "diesel"})
    assert flow.step["total"] == 0
    assert flow.step["vehicles"] == []
    relaxations = {r["field"]: r["matches"] for r in flow.step["relaxations"]}
    assert relaxations.get("fuel_type", 0) > 0


async def test_declining_a_selected_vehicle_returns_to_its_results(api: Api) -> None:
    flow = await api.start("BUYING")
    await _buy_by_carin(flow)
    await flow.back()
    assert flow.step_id == "vehicle_selection"
    await flow.submit({"confirm": False})
    assert flow.step_id == "carin_results"


async def test_a_vin_prefills_the_make_and_model_year_of_the_car_for_sale(api: Api) -> None:
    flow = await api.start("SELLING")
    await flow.submit({"has_buyer": False})
    await flow.submit({**answers.VEHICLE_BY_VIN, "zip": "30301"})
    await flow.submit({"consent": False})
    assert flow.step_id == "dealer_confirmation"
    decoded = flow.step["summary"]
    assert decoded["vin"] == answers.VEHICLE_BY_VIN["vin"]
    assert decoded["make"] == "Honda"
    assert decoded["year"] == 2003


async def _private_sale(flow: Flow, invite_channel: str | None) -> None:
    await flow.submit({"has_buyer": True})
    await flow.submit({"buyer_type": "private"})
    await flow.submit(answers.PRIVATE_BUYER)
    await flow.submit({"needs_financing": invite_channel is not None})
    if invite_channel is not None:
        assert flow.step_id == "buyer_financing_invite"
        phone = {"buyer_phone": "+14155550144"} if invite_channel == "sms" else {}
        await flow.submit({**flow.step["values"], "invite_channel": invite_channel, **phone})
    assert flow.step_id == "selling_confirmation"
    await flow.submit(answers.CONTACT)


async def _dealer_sale(flow: Flow) -> None:
    await flow.submit({"has_buyer": True})
    await flow.submit({"buyer_type": "dealer"})
    await flow.submit(
        {"dealer_name": "Corner Garage", "offer_amount": 8_000, **answers.VEHICLE_TO_SELL}
    )
    assert flow.step_id == "dealer_sale_confirmation"
    await flow.submit(answers.CONTACT)


async def _network_sale(flow: Flow, consent: bool) -> None:
    await flow.submit({"has_buyer": False})
    await flow.submit({**answers.VEHICLE_TO_SELL, "zip": "98101"})
    await flow.submit({"consent": consent})
    await flow.submit(answers.CONTACT)


SELLING_BRANCHES: dict[str, Callable[[Flow], Awaitable[None]]] = {
    "private": lambda flow: _private_sale(flow, None),
    "private-financing-email": lambda flow: _private_sale(flow, "email"),
    "private-financing-sms": lambda flow: _private_sale(flow, "sms"),
    "dealer": _dealer_sale,
    "network-consent": lambda flow: _network_sale(flow, True),
    "network-no-consent": lambda flow: _network_sale(flow, False),
}


@pytest.mark.parametrize("branch", SELLING_BRANCHES)
@pytest.mark.parametrize("replacement", ["none", "search", "carin"])
async def test_every_selling_branch_with_and_without_a_replacement(
    api: Api, branch: str, replacement: str
) -> None:
    flow = await api.start("SELLING")
    await SELLING_BRANCHES[branch](flow)
    assert flow.step_id == "replacement_check"
    await flow.submit({"wants_replacement": replacement != "none"})
    if replacement == "none":
        assert flow.step_id == "selling_complete"
        assert flow.step["linkedLeadReferences"] == []
        return
    await (_buy_by_search(flow) if replacement == "search" else _buy_by_carin(flow))
    await flow.submit(answers.CONTACT)
    assert flow.step_id == "buying_complete"
    assert len(flow.step["linkedLeadReferences"]) == 1
