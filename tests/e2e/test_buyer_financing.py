"""The buyer's own financing (FLOWS.md): the seller invites, the buyer applies in a session of
their own from the link the communications service sent, and the seller's lead receives only
what the buyer shares, pushed as lead status."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.client import Api
from tests.e2e.financing import (
    START,
    applicant,
    apply,
    invitation_token,
    invite,
    lead_statuses,
)
from tests.support import answers


async def start_refused(api: Api, input_: dict[str, Any]) -> str:
    body = (
        await api.http.post("/graphql", json={"query": START, "variables": {"input": input_}})
    ).json()
    assert body["data"] is None, body
    return str(body["errors"][0]["message"])


async def test_the_buyer_applies_and_the_seller_learns_only_what_is_shared(api: Api) -> None:
    seller, to = await invite(api)
    summary = seller.step["summary"]["financing"]
    assert summary["status"] == "invited"
    assert summary["channel"] == "email"
    assert summary["sent_to"] == to[0] + "•••@example.com"
    await seller.submit(answers.CONTACT)
    assert seller.step_id == "replacement_check"

    buyer = await apply(api, await invitation_token(api, to))
    assert buyer.step["__typename"] == "FinancingIntroStep"
    assert buyer.step["session"]["workflow"] == "buyer_financing"
    assert buyer.step["agreedPrice"] == answers.PRIVATE_BUYER["agreed_price"]
    assert buyer.step["vehicleSummary"]["make"] == answers.PRIVATE_BUYER["make"]
    assert "does not affect your credit score" in buyer.step["softCheck"]
    assert buyer.step["navigation"]["canGoBack"] is False
    await buyer.submit({"continue": True})
    assert buyer.step_id == "credit_check"
    assert buyer.step["values"] == {}  # nothing of the seller's reaches the buyer's form
    await buyer.submit(applicant(answers.APPROVED_SSN))
    assert buyer.step_id == "credit_check_pending"
    result = await buyer.wait_for("financing_result")
    assert result["outcome"] == "approved"
    assert result["notice"] is None
    assert [t["months"] for t in result["termOptions"]] == [36, 48, 60, 72]
    monthly = [t["monthlyPayment"] for t in result["termOptions"]]
    assert monthly == sorted(monthly, reverse=True)
    assert monthly[-1] > 0
    assert "not an offer of credit" in result["disclaimer"]
    await buyer.submit({"share_with_seller": "outcome_only"})
    assert buyer.step_id == "financing_complete"
    assert buyer.step["sharedWithSeller"] == "outcome_only"
    assert buyer.step["leadId"] is None

    events = await lead_statuses(api, seller, "FINANCING_PREQUALIFIED")
    financing = [e["status"] for e in events if e["status"].startswith("FINANCING_")]
    assert financing == ["FINANCING_STARTED", "FINANCING_PREQUALIFIED"]
    told = {e["status"]: e["message"] for e in events if e["status"] in financing}
    assert told["FINANCING_PREQUALIFIED"] == "Your buyer prequalified for financing."
    assert all(e["detail"] == {} for e in events if e["status"] in financing)
    shown = str(events)
    assert "85000" not in shown
    assert "Infinite" not in shown
    assert answers.APPROVED_SSN not in shown


async def test_a_declined_buyer_gets_the_notice_and_shares_nothing(api: Api) -> None:
    seller, to = await invite(api, "sms")
    buyer = await apply(api, await invitation_token(api, to))
    await buyer.submit({"continue": True})
    await buyer.submit(applicant(answers.DECLINED_SSN))
    result = await buyer.wait_for("financing_result")
    assert result["outcome"] == "declined"
    notice = result["notice"]
    assert notice["bureauName"]
    assert "1-800" in notice["bureauContact"]
    assert any("free copy" in line for line in notice["rights"])
    assert any("dispute" in line for line in notice["rights"])
    refused = await buyer.submit({"retry": True})
    assert refused["__typename"] == "TransitionRejected"
    assert refused["code"] == "retry_not_needed"
    assert buyer.step_id == "financing_result"
    await buyer.submit({"share_with_seller": "nothing"})
    assert buyer.step_id == "financing_complete"
    await seller.submit(answers.CONTACT)  # the seller sends their lead after the buyer applied
    events = await lead_statuses(api, seller, "COMPLETED")
    assert not any(e["status"] == "FINANCING_NOT_PREQUALIFIED" for e in events)


async def test_an_invitation_opens_once_and_only_as_buyer_financing(api: Api) -> None:
    _, to = await invite(api)
    token = await invitation_token(api, to)
    wrong_kind = await start_refused(api, {"workflowType": "BUYING", "invitation": token})
    assert "BUYER_FINANCING only" in wrong_kind
    without = await start_refused(api, {"workflowType": "BUYER_FINANCING"})
    assert "invitation link" in without
    await apply(api, token)
    again = await start_refused(api, {"workflowType": "BUYER_FINANCING", "invitation": token})
    assert "already used" in again
    unknown = await start_refused(api, {"workflowType": "BUYER_FINANCING", "invitation": "x" * 43})
    assert "not valid" in unknown
    assert "x" * 43 not in unknown


@pytest.mark.parametrize("data", [{}, {"invite_channel": "sms"}, {"invite_channel": "fax"}])
async def test_the_invitation_needs_the_address_its_channel_uses(
    api: Api, data: dict[str, Any]
) -> None:
    seller = await api.start("SELLING")
    await seller.submit({"has_buyer": True})
    await seller.submit({"buyer_type": "private"})
    await seller.submit({**answers.PRIVATE_BUYER})
    await seller.submit({"needs_financing": True})
    refused = await seller.submit(data)
    assert refused["__typename"] == "ValidationFailed"
    fields = {e["field"]: e["code"] for e in refused["errors"]}
    expected = {
        0: {"invite_channel": "required"},
        1: {"buyer_phone": "required"},
        2: {"invite_channel": "enum"},
    }
    assert (
        fields == expected[[{}, {"invite_channel": "sms"}, {"invite_channel": "fax"}].index(data)]
    )
    assert seller.step_id == "buyer_financing_invite"
