"""Who a lead came from and where its messages go, as digests: the per-client caps and the
one-confirmation-a-day rule compare these, so no new clear copy of an address is stored for them.

Values are normalized first (an e-mail address without case or surrounding blanks, a phone
number as its digits with the US country code), so `Ada@Example.com ` and `ada@example.com`,
`(415) 555-0123` and `+14155550123` are one client. Each kind has its own prefix: an e-mail
address and a client address never share a digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from app.services.records import ClientDigests


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"trex:{kind}:{value}".encode()).hexdigest()


def email_key(email: str) -> str | None:
    normal = email.strip().lower()
    return _digest("email", normal) if "@" in normal else None


def phone_key(phone: str) -> str | None:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 10:  # a US number without its country code (the flow accepts both)
        digits = "1" + digits
    return _digest("phone", digits) if len(digits) >= 8 else None


def address_key(address: str | None) -> str | None:
    return _digest("address", address.strip().lower()) if address else None


def recipient_key(channel: str, to: str) -> str | None:
    """The digest of a message's recipient: its phone number for SMS, else its e-mail."""
    return phone_key(to) if channel == "sms" else email_key(to)


def client_digests(
    session_id: str, address: str | None, contact: Mapping[str, object]
) -> ClientDigests:
    """The digests a new lead is counted by (None where the lead has no such value)."""
    email, phone = contact.get("email"), contact.get("phone")
    return ClientDigests(
        session_id=session_id,
        address=address_key(address),
        email=email_key(email) if isinstance(email, str) else None,
        phone=phone_key(phone) if isinstance(phone, str) else None,
    )
