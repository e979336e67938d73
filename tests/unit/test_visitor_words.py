"""A lead's progress in the visitor's words (app/pipeline/visitor_words.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.pipeline.visitor_words import visitor_view
from app.services.records import LeadRecord
from vehicles.models import Dealer

AT = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # a Wednesday
DEALERS = {
    "dlr-1": Dealer("dlr-1", "Hudson Motors", "10001", "New York", "NY", 5),
    "dlr-2": Dealer("dlr-2", "Bay Auto", "94103", "San Francisco", "CA", 5),
}


def lead(kind: str = "buying", **contact: str) -> LeadRecord:
    return LeadRecord(
        "lead-1",
        "TRX-ABC234",
        "session-1",
        kind,
        "SUBMITTED",
        AT,
        contact={"email": "ada@example.com", "preferred_contact": "email", **contact},
        outcomes={"routed": {"dealers": ["dlr-1", "dlr-2"]}},
    )


def view(record: LeadRecord, status: str, **detail: object) -> dict[str, object] | None:
    return visitor_view(record, status, detail, AT, DEALERS.get)


def test_a_score_is_not_the_visitors_to_see() -> None:
    assert view(lead(), "SCORED", score=65, factors={"contact": 30}) is None


def test_several_dealers_are_named_with_their_towns() -> None:
    shown = view(lead("dealer_network"), "DEALER_ASSIGNED", dealers=["dlr-1", "dlr-2"])
    assert shown == {
        "text": "Sent to 2 dealers near you: Hudson Motors (New York, NY), "
        "Bay Auto (San Francisco, CA).",
        "dealers": [
            {"name": "Hudson Motors", "town": "New York, NY"},
            {"name": "Bay Auto", "town": "San Francisco, CA"},
        ],
    }


def test_the_confirmation_names_the_channel_and_a_masked_address() -> None:
    sms = lead(phone="+14155550123", preferred_contact="sms")
    assert view(sms, "CONTACTED", channel="sms") == {
        "text": "We sent your confirmation by text message to •••• 0123.",
        "channel": "sms",
        "to": "•••• 0123",
    }
    skipped = view(lead(), "CONTACTED", skipped="already confirmed to this address today")
    assert skipped is not None
    assert skipped["text"] == "Your confirmation went to a•••@example.com earlier today."


def test_the_last_state_says_who_contacts_the_visitor_and_by_when() -> None:
    assert view(lead(), "COMPLETED") == {
        "text": "Hudson Motors in New York, NY will contact you by email by Thursday, December 3.",
        "by": "2026-12-03T15:00:00+00:00",
    }
    network = view(lead("dealer_network"), "COMPLETED")
    assert network is not None
    assert (
        network["text"]
        == "The dealers will send you their offers by email by Thursday, December 3."
    )


def test_a_rejection_and_the_buyers_financing_in_plain_words() -> None:
    assert view(lead(), "REJECTED", reason="Sold.") == {"text": "Sold."}
    assert view(lead("selling"), "FINANCING_PREQUALIFIED") == {
        "text": "Your buyer prequalified for financing."
    }
