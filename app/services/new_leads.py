"""Leads: references a person can read out on the phone, and the lead records themselves."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.services.client_keys import client_digests
from app.services.records import LeadRecord, SessionRecord

# No 0/O, 1/I/L or U: unambiguous when read aloud or typed.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "zip",
    "preferred_contact",
    "message",
)


def new_reference() -> str:
    return "TRX-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def contact_of(values: Mapping[str, object]) -> dict[str, Any]:
    return {name: values[name] for name in CONTACT_FIELDS if values.get(name) is not None}


def session_leads(record: SessionRecord) -> list[dict[str, str]]:
    """The leads this session created so far, oldest first ({id, reference, kind})."""
    leads = record.context.get("leads", [])
    return list(leads) if isinstance(leads, list) else []


def new_lead(
    record: SessionRecord,
    kind: str,
    now: datetime,
    *,
    contact: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    address: str | None = None,
    vehicle_id: str | None = None,
    dealer_id: str | None = None,
) -> LeadRecord:
    """`address`: the client's (the per-client caps count the lead by its digest)."""
    earlier = session_leads(record)
    client = client_digests(record.id, address, contact or {})
    return LeadRecord(
        id=str(uuid.uuid4()),
        reference=new_reference(),
        session_id=record.id,
        kind=kind,
        status="RECEIVED",  # the saga registers it with the CRM, then it is SUBMITTED
        created_at=now,
        vehicle_id=vehicle_id,
        dealer_id=dealer_id,
        linked_lead_id=earlier[-1]["id"] if earlier else None,
        contact=contact or {},
        details=details or {},
        host_site_id=record.host_site_id,
        address_hash=client.address,
        email_hash=client.email,
        phone_hash=client.phone,
    )
