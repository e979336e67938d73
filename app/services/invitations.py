"""The buyer's own financing: the seller's invitation, and the buyer opening it.

A seller whose buyer needs financing never types the buyer's data: the seller's session sends
the buyer a private link (single use, 7 days), the buyer applies in a `buyer_financing` session
of their own, and the seller's lead learns only what the buyer chooses to share. The token is
random and stored only as its hash; in clear it lives in the outbox item that sends it until
that item is done (`financing.invite`, app/pipeline/financing.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from app.security import hash_token, new_token
from app.services.records import Invitation, SessionRecord
from app.services.rejections import (
    INVITATION_EXPIRED,
    INVITATION_OTHER_SITE,
    INVITATION_UNKNOWN,
    INVITATION_USED,
)
from app.services.storage import SessionUnitOfWork
from workflows.outcomes import InvalidStart

VALID_FOR = timedelta(days=7)
NAMESPACE = uuid.UUID("1b3e7f52-2c1d-4f0e-9d55-7a3c1f6b2e90")
WORKFLOW = "buyer_financing"
# What the seller's lead may show (FLOWS.md): the buyer's outcome only when shared.
INVITED, STARTED = "invited", "started"
SHARED = {"approved": "prequalified", "declined": "not_prequalified"}
URL_PARAMETER = "trex_invitation"

# Why an invitation does not open (app/services/rejections.py): shown in the locale of the
# start's context.
UNKNOWN, USED, EXPIRED, OTHER_SITE = (
    INVITATION_UNKNOWN,
    INVITATION_USED,
    INVITATION_EXPIRED,
    INVITATION_OTHER_SITE,
)


def invitation_id(seller_session_id: str) -> str:
    """One invitation per seller's session: sending it again replaces it (and its token)."""
    return str(uuid.uuid5(NAMESPACE, seller_session_id))


def new_invitation(
    record: SessionRecord,
    channel: str,
    now: datetime,
    *,
    sale: Mapping[str, object],
    step_id: str,
    page: str | None,
) -> tuple[Invitation, str]:
    """A fresh invitation of the seller's session and its token (to send, never to store).

    `sale`: the seller's answers about the car (the vehicle and agreed price the buyer is
    shown); `step_id`: the step holding the buyer's address for `channel`."""
    token = new_token()
    vehicle = {k: sale[k] for k in ("make", "model", "year") if sale.get(k) is not None}
    detail: dict[str, Any] = {
        "vehicle": vehicle,
        "agreed_price": sale.get("agreed_price"),
        "step": step_id,
        "page": page,
    }
    invitation = Invitation(
        id=invitation_id(record.id),
        token_hash=hash_token(token),
        seller_session_id=record.id,
        host_site_id=record.host_site_id,
        channel=channel,
        created_at=now,
        expires_at=now + VALID_FOR,
        detail=detail,
    )
    return invitation, token


def invitation_link(invitation: Invitation, token: str) -> str:
    """The page the seller used, with the token: the buyer applies on the same site."""
    page = str(invitation.detail.get("page") or "/")
    separator = "&" if "?" in page else "?"
    return f"{page}{separator}{URL_PARAMETER}={token}"


@dataclass(frozen=True, slots=True)
class Opened:
    invitation: Invitation


async def open_invitation(
    uow: SessionUnitOfWork, token: str, site_id: str, session_id: str, now: datetime
) -> Invitation:
    """The invitation, marked used by the applicant's new session (in its transaction);
    refused, naming why, when unknown, used, expired or from another site."""
    found = await uow.invitations.by_token(hash_token(token)) if len(token) < 200 else None
    if found is None:
        raise InvalidStart.said(UNKNOWN, "invitation")
    if found.host_site_id != site_id:
        raise InvalidStart.said(OTHER_SITE, "invitation")
    if found.used_at is not None:
        raise InvalidStart.said(USED, "invitation")
    if found.expires_at <= now:
        raise InvalidStart.said(EXPIRED, "invitation")
    if not await uow.invitations.use(found.id, session_id, now):
        raise InvalidStart.said(USED, "invitation")
    found = await uow.invitations.locked(found.id) or found
    opened = replace(found, used_at=now, applicant_session_id=session_id, status=STARTED)
    await uow.invitations.put(opened)
    await uow.outbox.add("financing.status", {"invitation_id": found.id, "status": STARTED}, now)
    return opened


def applicant_context(invitation: Invitation, site_name: str) -> dict[str, Any]:
    """What the applicant's session keeps of the invitation (nothing personal)."""
    return {
        "id": invitation.id,
        "site_name": site_name,
        "vehicle": invitation.detail.get("vehicle", {}),
        "agreed_price": invitation.detail.get("agreed_price"),
        "expires_at": invitation.expires_at.isoformat(),
    }


def shared_status(credit_status: str | None, choice: str) -> str:
    """What the seller's lead shows after the buyer's choice."""
    if choice != "outcome_only":
        return STARTED
    return SHARED.get(credit_status or "", STARTED)
