"""What the pipeline tells others about a lead: the summary dealers get, and the channel the
customer's confirmation goes on (the one they prefer, when they gave it)."""

from __future__ import annotations

from typing import Any

from app.integrations.models import Channel
from app.services.records import LeadRecord


def lead_summary(lead: LeadRecord) -> dict[str, Any]:
    vehicle = lead.details.get("vehicle") or {}
    return {
        "reference": lead.reference,
        "kind": lead.kind,
        "vehicle": vehicle,
        "customer_zip": lead.contact.get("zip"),
    }


def customer_channel(contact: dict[str, Any]) -> tuple[Channel, str | None]:
    """SMS when they prefer a phone and gave one, else e-mail, else SMS to a phone if any
    (None: no way to reach them)."""
    if contact.get("preferred_contact") in ("sms", "phone") and contact.get("phone"):
        return "sms", str(contact["phone"])
    if contact.get("email"):
        return "email", str(contact["email"])
    return "sms", str(contact["phone"]) if contact.get("phone") else None
