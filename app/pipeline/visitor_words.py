"""A lead's progress as the visitor reads it: who has their request (the dealer and town), how
we confirmed it (the channel and a masked address), and who will contact them by when. The
score, its factors and CRM ids are the host site's (its `lead` query), never the visitor's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from app.pipeline.messages import customer_channel
from app.services.effects import masked
from app.services.records import LeadRecord
from vehicles.models import Dealer

# How soon a dealer answers a new lead: the promise the last row of the timeline makes.
ANSWER_WITHIN = timedelta(days=1)
CHANNEL_WORDS = {"email": "email", "sms": "text message", "phone": "phone"}
FINANCING = {
    "FINANCING_STARTED": "Your buyer started their financing application.",
    "FINANCING_PREQUALIFIED": "Your buyer prequalified for financing.",
    "FINANCING_NOT_PREQUALIFIED": "Your buyer did not prequalify for financing.",
}


def visitor_view(
    lead: LeadRecord,
    status: str,
    detail: Mapping[str, Any],
    at: datetime,
    dealer: Callable[[str], Dealer | None],
) -> dict[str, Any] | None:
    """What the visitor is shown of this status change (None: nothing, it is internal)."""
    if status in FINANCING:
        return {"text": FINANCING[status]}
    if status == "SUBMITTED":
        return {"text": "Your request is on its way to the dealer."}
    if status == "DEALER_ASSIGNED":
        return _assigned(lead, [d for d in map(dealer, _dealer_ids(lead, detail)) if d])
    if status == "CONTACTED":
        return _contacted(lead, detail)
    if status == "COMPLETED":
        return _last_state(lead, at, dealer)
    if status == "REJECTED":
        reason = detail.get("reason")
        return {"text": str(reason) if reason else "Sorry, your request could not be accepted."}
    return None


def _dealer_ids(lead: LeadRecord, detail: Mapping[str, Any]) -> list[str]:
    found = detail.get("dealers") or lead.outcomes.get("routed", {}).get("dealers") or []
    return [str(d) for d in found] if isinstance(found, list) else []


def _town(dealer: Dealer) -> str:
    return f"{dealer.city}, {dealer.state}"


def _assigned(lead: LeadRecord, dealers: list[Dealer]) -> dict[str, Any] | None:
    if not dealers:
        return None
    named = [{"name": d.name, "town": _town(d)} for d in dealers]
    if len(dealers) == 1:
        text = f"{dealers[0].name} in {_town(dealers[0])} has your request."
    else:
        names = ", ".join(f"{d.name} ({_town(d)})" for d in dealers)
        text = f"Sent to {len(dealers)} dealers near you: {names}."
    return {"text": text, "dealers": named}


def _contacted(lead: LeadRecord, detail: Mapping[str, Any]) -> dict[str, Any] | None:
    channel, to = customer_channel(lead.contact)
    if to is None:
        return None
    shown = masked(channel, to)
    words = CHANNEL_WORDS.get(channel, channel)
    if detail.get("skipped"):
        text = f"Your confirmation went to {shown} earlier today."
    else:
        text = f"We sent your confirmation by {words} to {shown}."
    return {"text": text, "channel": channel, "to": shown}


def _last_state(
    lead: LeadRecord, at: datetime, dealer: Callable[[str], Dealer | None]
) -> dict[str, Any]:
    """Who will contact the visitor, how, and by when."""
    by = at + ANSWER_WITHIN
    when = f"{by:%A}, {by:%B} {by.day}"
    preferred = CHANNEL_WORDS.get(str(lead.contact.get("preferred_contact")), "email")
    dealers = [d for d in map(dealer, _dealer_ids(lead, {})) if d]
    if lead.kind == "buying" and dealers:
        who = f"{dealers[0].name} in {_town(dealers[0])}"
        text = f"{who} will contact you by {preferred} by {when}."
    elif lead.kind == "dealer_sale" and dealers:
        text = f"{dealers[0].name} will contact you by {when} to arrange the pickup."
    elif dealers:
        text = f"The dealers will send you their offers by {preferred} by {when}."
    else:
        text = f"We will contact you by {preferred} by {when}."
    return {"text": text, "by": by.isoformat()}
