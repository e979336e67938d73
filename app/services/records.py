"""The service layer's records: what storage gives and takes (app/services/ports.py).

Plain frozen dataclasses; no table row ever leaves `app/db`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workflows.engine import SessionState


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
