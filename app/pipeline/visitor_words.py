"""A lead's progress as the visitor reads it: who has their request (the dealer and town), how
we confirmed it (the channel and a masked address), and who will contact them by when. The
score, its factors and CRM ids are the host site's (its `lead` query), never the visitor's. The
words are the catalogue's (`workflows.messages`, ids `timeline.*`), in the locale the visitor
read their session in (the one its consents record)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from app.pipeline.messages import customer_channel
from app.services.effects import masked
from app.services.records import LeadRecord
from vehicles.models import Dealer
from workflows.messages import DEFAULT_LOCALE, negotiate, text

# How soon a dealer answers a new lead: the promise the last row of the timeline makes.
ANSWER_WITHIN = timedelta(days=1)
CHANNELS = ("email", "sms", "phone")
FINANCING = {
    "FINANCING_STARTED": "timeline.financing.started",
    "FINANCING_PREQUALIFIED": "timeline.financing.prequalified",
    "FINANCING_NOT_PREQUALIFIED": "timeline.financing.not_prequalified",
}


def lead_locale(lead: LeadRecord) -> str:
    """The locale the lead's visitor read their session in: the one its consents record."""
    consents = lead.details.get("consents")
    if isinstance(consents, list):
        for consent in consents:
            if isinstance(consent, dict) and consent.get("locale"):
                return negotiate(consent["locale"])
    return DEFAULT_LOCALE


def _channel_words(channel: object, locale: str) -> str:
    return text(f"timeline.channel.{channel if channel in CHANNELS else 'email'}", locale)


def _day(moment: datetime, locale: str) -> str:
    """ "Thursday, December 3" (en-US), "jueves 3 de diciembre" (es-US)."""
    return text(
        "date.weekday_month_day",
        locale,
        {
            "weekday": text(f"date.weekday.{moment.weekday()}", locale),
            "month": text(f"date.month.{moment.month}", locale),
            "day": str(moment.day),
        },
    )


def visitor_view(
    lead: LeadRecord,
    status: str,
    detail: Mapping[str, Any],
    at: datetime,
    dealer: Callable[[str], Dealer | None],
) -> dict[str, Any] | None:
    """What the visitor is shown of this status change (None: nothing, it is internal)."""
    locale = lead_locale(lead)
    if status in FINANCING:
        return {"text": text(FINANCING[status], locale)}
    if status == "SUBMITTED":
        return {"text": text("timeline.submitted", locale)}
    if status == "DEALER_ASSIGNED":
        return _assigned([d for d in map(dealer, _dealer_ids(lead, detail)) if d], locale)
    if status == "CONTACTED":
        return _contacted(lead, detail, locale)
    if status == "COMPLETED":
        return _last_state(lead, at, dealer, locale)
    if status == "REJECTED":
        # The lead CRM's reason is its own US English words: another language reads ours.
        reason = detail.get("reason") if locale == DEFAULT_LOCALE else None
        return {"text": str(reason) if reason else text("timeline.rejected", locale)}
    return None


def _dealer_ids(lead: LeadRecord, detail: Mapping[str, Any]) -> list[str]:
    found = detail.get("dealers") or lead.outcomes.get("routed", {}).get("dealers") or []
    return [str(d) for d in found] if isinstance(found, list) else []


def _town(dealer: Dealer) -> str:
    return f"{dealer.city}, {dealer.state}"


def _assigned(dealers: list[Dealer], locale: str) -> dict[str, Any] | None:
    if not dealers:
        return None
    named = [{"name": d.name, "town": _town(d)} for d in dealers]
    if len(dealers) == 1:
        words = text(
            "timeline.assigned.one", locale, {"dealer": dealers[0].name, "town": _town(dealers[0])}
        )
    else:
        names = ", ".join(f"{d.name} ({_town(d)})" for d in dealers)
        words = text("timeline.assigned.many", locale, {"count": len(dealers), "names": names})
    return {"text": words, "dealers": named}


def _contacted(lead: LeadRecord, detail: Mapping[str, Any], locale: str) -> dict[str, Any] | None:
    channel, to = customer_channel(lead.contact)
    if to is None:
        return None
    shown = masked(channel, to)
    if detail.get("skipped"):
        words = text("timeline.contacted.earlier", locale, {"to": shown})
    else:
        channel_words = _channel_words(channel, locale)
        words = text("timeline.contacted.sent", locale, {"channel": channel_words, "to": shown})
    return {"text": words, "channel": channel, "to": shown}


def _last_state(
    lead: LeadRecord, at: datetime, dealer: Callable[[str], Dealer | None], locale: str
) -> dict[str, Any]:
    """Who will contact the visitor, how, and by when."""
    by = at + ANSWER_WITHIN
    params: dict[str, object] = {
        "when": _day(by, locale),
        "channel": _channel_words(lead.contact.get("preferred_contact"), locale),
    }
    dealers = [d for d in map(dealer, _dealer_ids(lead, {})) if d]
    if dealers:
        params.update(dealer=dealers[0].name, town=_town(dealers[0]))
    if lead.kind == "buying" and dealers:
        message_id = "timeline.completed.buying"
    elif lead.kind == "dealer_sale" and dealers:
        message_id = "timeline.completed.dealer_sale"
    elif dealers:
        message_id = "timeline.completed.dealers"
    else:
        message_id = "timeline.completed.us"
    return {"text": text(message_id, locale, params), "by": by.isoformat()}
