"""The service layer's records: what storage gives and takes (app/services/storage.py).

Plain frozen dataclasses; no table row ever leaves `app/db`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workflows.engine import SessionState
from workflows.model import SessionStatus
from workflows.variants import DEFAULT_VARIANT, Variant


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: str
    token_hash: str
    workflow: str
    definition_version: int
    state: SessionState
    context: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    row_version: int = 1
    last_seq: int = 0
    host_site_id: str = "demo"
    # Which of its host site's variants the session started in (workflows/variants.py).
    variant: str = DEFAULT_VARIANT


def session_columns(record: SessionRecord) -> dict[str, Any]:
    """The session as named plain values (the sessions table's columns, a snapshot's keys)."""
    return {
        "id": record.id,
        "token_hash": record.token_hash,
        "workflow": record.workflow,
        "definition_version": record.definition_version,
        "row_version": record.row_version,
        "host_site_id": record.host_site_id,
        "variant": record.variant,
        "created_at": record.created_at,
        **state_columns(record),
    }


def state_columns(record: SessionRecord) -> dict[str, Any]:
    """What a move changes: the state, the context, the event count and the time, and the
    definition version (a migration moves the session onto the next one)."""
    return {
        "definition_version": record.definition_version,
        "current_step": record.state.current_step,
        "status": record.state.status.value,
        "answers": {step: dict(values) for step, values in record.state.answers.items()},
        "path": list(record.state.path),
        "context": record.context,
        "last_seq": record.last_seq,
        "updated_at": record.updated_at,
    }


def session_record(columns: Mapping[str, Any]) -> SessionRecord:
    """The inverse of `session_columns`: the one mapping from named values to a session."""
    state = SessionState(
        current_step=columns["current_step"],
        status=SessionStatus(columns["status"]),
        answers=columns["answers"],
        path=tuple(columns["path"]),
    )
    return SessionRecord(
        id=columns["id"],
        token_hash=columns["token_hash"],
        workflow=columns["workflow"],
        definition_version=columns["definition_version"],
        state=state,
        context=dict(columns["context"]),
        created_at=columns["created_at"],
        updated_at=columns["updated_at"],
        row_version=columns["row_version"],
        last_seq=columns["last_seq"],
        host_site_id=columns["host_site_id"],
        variant=columns.get("variant") or DEFAULT_VARIANT,
    )


@dataclass(frozen=True, slots=True)
class StoredEvent:
    session_id: str
    seq: int
    type: str
    payload: dict[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class LeadRecord:
    id: str
    reference: str
    session_id: str
    kind: str
    status: str
    created_at: datetime
    vehicle_id: str | None = None
    dealer_id: str | None = None
    linked_lead_id: str | None = None
    contact: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    host_site_id: str = "demo"
    crm_id: str | None = None
    outcomes: dict[str, Any] = field(default_factory=dict)
    # Digests of the client's address and contact (the per-client caps count by them).
    address_hash: str | None = None
    email_hash: str | None = None
    phone_hash: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    topic: str
    payload: dict[str, Any]
    attempts: int
    traceparent: str | None = None  # the trace of the transaction that wrote it


@dataclass(frozen=True, slots=True)
class ClientDigests:
    """A client by each of the values it is counted by (None: the lead has no such value)."""

    session_id: str
    address: str | None = None
    email: str | None = None
    phone: str | None = None

    def digests(self) -> list[str]:
        return [d for d in (self.address, self.email, self.phone) if d is not None]


# --- Host sites, inventory, the lead pipeline and personal data ---


@dataclass(frozen=True, slots=True)
class HostSite:
    id: str
    name: str
    origins: tuple[str, ...]
    # Which versions its new sessions start on (none: the current one, variant "default").
    variants: tuple[Variant, ...] = ()


@dataclass(frozen=True, slots=True)
class HostSiteKeys:
    """Digests of a site's keys (`app.security.hash_token`): the keys themselves are shown once."""

    publishable_hash: str
    secret_hash: str


@dataclass(frozen=True, slots=True)
class SessionCopy:
    """A session's answers, read to confirm that they name a customer being erased."""

    id: str
    answers: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LeadCopy:
    """What erasure needs of a lead: whose it is and its contact."""

    id: str
    session_id: str
    host_site_id: str
    contact: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """A host site's webhook endpoint, with the secrets that sign for it (never logged)."""

    id: str
    host_site_id: str
    url: str
    secret: str
    created_at: datetime
    previous_secret: str | None = None
    previous_until: datetime | None = None
    rotated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One message to one endpoint, and how its sending went (the site's delivery log)."""

    id: str
    endpoint_id: str
    host_site_id: str
    message_id: str
    event_type: str
    payload: dict[str, Any]
    status: str  # pending | delivered | failed
    attempts: int
    created_at: datetime
    last_status_code: int | None = None
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Invitation:
    """A seller's invitation to their buyer to apply for their own financing
    (app/services/invitations.py): single use, expiring, its token kept only as a hash.
    `status` is all the seller's lead may learn: invited, started, prequalified or
    not_prequalified, the last two only when the buyer shares their outcome."""

    id: str
    token_hash: str
    seller_session_id: str
    host_site_id: str
    channel: str
    created_at: datetime
    expires_at: datetime
    status: str = "invited"
    lead_id: str | None = None
    applicant_session_id: str | None = None
    # What the buyer is shown before applying: the vehicle and the agreed price, the site.
    detail: dict[str, Any] = field(default_factory=dict)
    used_at: datetime | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ResumeLink:
    """A link that opens a session elsewhere (app/services/resume_links.py): one per session
    (a new one replaces it), single use, expiring, its token kept only as a hash. Nothing of
    the address it was sent to is kept."""

    id: str
    token_hash: str
    session_id: str
    channel: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
