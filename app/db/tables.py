"""Database tables (SQLModel): the schema the migrations and tests compare against.

The stores (app/db/*.py) use only the plain tables at the end, with SQLAlchemy Core: no ORM unit
of work, no row objects (a fraction of the CPU), and records (app/services/records.py) out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, UniqueConstraint
from sqlmodel import Field, SQLModel


def _json() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SessionRow(SQLModel, table=True):
    __tablename__ = "sessions"

    id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(max_length=64)
    workflow: str = Field(max_length=40)
    definition_version: int
    current_step: str = Field(max_length=60)
    status: str = Field(max_length=20)
    answers: dict[str, Any] = _json()
    path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    context: dict[str, Any] = _json()
    row_version: int = 1
    last_seq: int = 0
    host_site_id: str = Field(default="demo", max_length=40)
    # Its host site's variant it started in (workflows/variants.py).
    variant: str = Field(default="default", max_length=40)
    created_at: datetime
    # Retention counts inactivity from here.
    updated_at: datetime = Field(index=True)


class HistoryRow(SQLModel, table=True):
    """Every state change of a session: what was asked, what it led to (audit and analytics)."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_session", "session_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(max_length=36)
    action: str = Field(max_length=20)  # start | transition | back | resume | rejected
    from_step: str | None = Field(default=None, max_length=60)
    to_step: str = Field(max_length=60)
    input: dict[str, Any] = _json()
    result: dict[str, Any] = _json()
    at: datetime


class SessionEventRow(SQLModel, table=True):
    """The numbered events pushed to a session's subscribers; replayed after a reconnect.

    Also the outbox of live pushes: `published_at` stays empty until the relay has handed the
    event to the bus, so a push that fails after the commit is retried."""

    __tablename__ = "session_events"
    __table_args__ = (Index("ix_session_events_unpublished", "published_at", "at"),)

    session_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    type: str = Field(max_length=30)
    payload: dict[str, Any] = _json()
    at: datetime
    published_at: datetime | None = None


class OutboxRow(SQLModel, table=True):
    """Asynchronous work, written in the transaction that causes it; delivered at least once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "done_at", "available_at"),)

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=40)
    payload: dict[str, Any] = _json()
    created_at: datetime
    available_at: datetime
    attempts: int = 0
    claimed_until: datetime | None = None
    done_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    # The W3C trace context of the transaction that wrote it: its handler's span continues it.
    traceparent: str | None = Field(default=None, max_length=55)


class ProcessedRow(SQLModel, table=True):
    """Which handler already applied which outbox event: the second delivery does nothing."""

    __tablename__ = "processed_events"

    handler: str = Field(primary_key=True, max_length=40)
    event_id: int = Field(primary_key=True)
    at: datetime


class HostSiteRow(SQLModel, table=True):
    __tablename__ = "host_sites"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=100)
    origins: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # [{"name", "version", "weight"}]: which versions its new sessions start on (none: current).
    variants: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    publishable_key_hash: str = Field(max_length=64, unique=True)
    secret_key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime


class IdempotencyRow(SQLModel, table=True):
    __tablename__ = "idempotency_keys"

    session_id: str = Field(primary_key=True, max_length=36)
    key: str = Field(primary_key=True, max_length=64)  # sha256 of the client's key
    outcome: dict[str, Any] = _json()
    at: datetime


class LeadRow(SQLModel, table=True):
    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("reference"),
        # The per-client caps count by these (app/services/lead_limits.py).
        Index("ix_leads_address_hash", "address_hash", "created_at"),
        Index("ix_leads_email_hash", "email_hash", "created_at"),
        Index("ix_leads_phone_hash", "phone_hash", "created_at"),
        Index("ix_leads_confirmed", "confirmed_to_hash", "confirmed_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    reference: str = Field(max_length=12)
    session_id: str = Field(max_length=36, index=True)
    kind: str = Field(max_length=20)  # buying | selling | dealer_sale | dealer_network
    status: str = Field(max_length=20)  # CREATED → SUBMITTED → … → COMPLETED, or REJECTED
    host_site_id: str = Field(default="demo", max_length=40, index=True)
    crm_id: str | None = Field(default=None, max_length=60)
    # What the asynchronous handlers found: score, assignment, messages, credit (by handler).
    outcomes: dict[str, Any] = _json()
    vehicle_id: str | None = Field(default=None, max_length=20)
    dealer_id: str | None = Field(default=None, max_length=20)
    linked_lead_id: str | None = Field(default=None, max_length=36)
    contact: dict[str, Any] = _json()
    details: dict[str, Any] = _json()
    created_at: datetime
    updated_at: datetime
    # When its personal data was erased (on request or after the retention); None: still held.
    erased_at: datetime | None = Field(default=None, index=True)
    # Digests (app/services/client_keys.py), never the values: who submitted the lead,
    # and where its customer confirmation went (one per address a day).
    address_hash: str | None = Field(default=None, max_length=64)
    email_hash: str | None = Field(default=None, max_length=64)
    phone_hash: str | None = Field(default=None, max_length=64)
    confirmed_to_hash: str | None = Field(default=None, max_length=64)
    confirmed_at: datetime | None = None


class ErasureRow(SQLModel, table=True):
    """Each erasure of a customer's data: the site, a digest of the subject (never the subject),
    how much went, when and by what (the API or the CLI)."""

    __tablename__ = "erasures"

    id: str = Field(primary_key=True, max_length=36)
    host_site_id: str = Field(max_length=40, index=True)
    subject_hash: str = Field(max_length=64)
    counts: dict[str, Any] = _json()
    at: datetime
    by: str = Field(max_length=20)


class DealerRow(SQLModel, table=True):
    __tablename__ = "dealers"

    id: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=100)
    zip: str = Field(max_length=10)
    city: str = Field(max_length=60)
    state: str = Field(max_length=2)
    capacity: int


class VehicleRow(SQLModel, table=True):
    __tablename__ = "vehicles"

    id: str = Field(primary_key=True, max_length=20)
    vin: str = Field(max_length=17)
    make: str = Field(max_length=40, index=True)
    model: str = Field(max_length=60)
    year: int
    price: int
    mileage: int
    fuel_type: str = Field(max_length=20)
    body_type: str = Field(max_length=20)
    seats: int
    transmission: str = Field(max_length=20)
    drivetrain: str = Field(max_length=10)
    features: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    color: str = Field(max_length=30)
    dealer_id: str = Field(max_length=20)
    status: str = Field(default="available", max_length=20)  # available | held | sold
    held_by_lead: str | None = Field(default=None, max_length=36, index=True)
    held_until: datetime | None = None  # a hold lapses then: the vehicle is available again


class FunnelDayRow(SQLModel, table=True):
    """The funnel's daily rollup (app/db/funnel.py): sessions started on the day, and how many
    of them reached a lead."""

    __tablename__ = "funnel_days"

    host_site_id: str = Field(primary_key=True, max_length=40)
    workflow: str = Field(primary_key=True, max_length=40)
    definition_version: int = Field(primary_key=True)
    variant: str = Field(primary_key=True, max_length=40)
    day: date = Field(primary_key=True)
    started: int = 0
    leads: int = 0


class FunnelStepRow(SQLModel, table=True):
    """Per step of the sessions started on the day: how many reached it, stopped there
    unfinished, took it as their branch."""

    __tablename__ = "funnel_steps"

    host_site_id: str = Field(primary_key=True, max_length=40)
    workflow: str = Field(primary_key=True, max_length=40)
    definition_version: int = Field(primary_key=True)
    variant: str = Field(primary_key=True, max_length=40)
    day: date = Field(primary_key=True)
    step: str = Field(primary_key=True, max_length=60)
    reached: int = 0
    dropped: int = 0
    chosen: int = 0


class FunnelTimeRow(SQLModel, table=True):
    """Visits of a step that ended, counted by their time in log-spaced buckets
    (app/services/funnel_fold.py)."""

    __tablename__ = "funnel_times"

    host_site_id: str = Field(primary_key=True, max_length=40)
    workflow: str = Field(primary_key=True, max_length=40)
    definition_version: int = Field(primary_key=True)
    variant: str = Field(primary_key=True, max_length=40)
    day: date = Field(primary_key=True)
    step: str = Field(primary_key=True, max_length=60)
    bucket: int = Field(primary_key=True)
    visits: int = 0


class FunnelWatermarkRow(SQLModel, table=True):
    """The last history row folded into the funnel's rollup (one row, written by the migration)."""

    __tablename__ = "funnel_watermark"

    name: str = Field(primary_key=True, max_length=20)
    last_history_id: int = 0
    folded_at: datetime | None = None


class WebhookEndpointRow(SQLModel, table=True):
    """A host site's webhook endpoint: where its leads' status changes are sent, signed with
    its secret (Standard Webhooks), and after a rotation with the previous one until it lapses."""

    __tablename__ = "webhook_endpoints"

    id: str = Field(primary_key=True, max_length=40)
    host_site_id: str = Field(max_length=40, index=True)
    url: str = Field(max_length=2000)
    # Kept as they are: signing needs them (never logged, never shown after they are made).
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_until: datetime | None = None
    created_at: datetime
    rotated_at: datetime | None = None


class WebhookDeliveryRow(SQLModel, table=True):
    """One message to one endpoint, and how its sending went: the site's delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "message_id"),
        Index("ix_webhook_deliveries_site", "host_site_id", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    endpoint_id: str = Field(max_length=40)
    host_site_id: str = Field(max_length=40)
    message_id: str = Field(max_length=40)  # `webhook-id`: the same for every attempt
    event_type: str = Field(max_length=40)
    payload: dict[str, Any] = _json()
    status: str = Field(max_length=12)  # pending | delivered | failed
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None


class InvitationRow(SQLModel, table=True):
    """A seller's invitation to their buyer to apply for financing: single use, expiring; the
    token only as its hash. `status` is what the seller's lead may show (invited, started,
    prequalified, not_prequalified)."""

    __tablename__ = "invitations"

    id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(max_length=64, unique=True)
    seller_session_id: str = Field(max_length=36, index=True)
    host_site_id: str = Field(max_length=40)
    channel: str = Field(max_length=10)
    status: str = Field(max_length=20)
    lead_id: str | None = Field(default=None, max_length=36, index=True)
    applicant_session_id: str | None = Field(default=None, max_length=36)
    detail: dict[str, Any] = _json()
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    sent_at: datetime | None = None


class ResumeLinkRow(SQLModel, table=True):
    """A session's resume link (one per session, replaced when sent again): single use,
    expiring, the token only as its hash; never the address it went to."""

    __tablename__ = "resume_links"

    id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(max_length=64, unique=True)
    session_id: str = Field(max_length=36, index=True)
    channel: str = Field(max_length=10)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


def _table(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


SESSIONS = _table(SessionRow)
HISTORY = _table(HistoryRow)
SESSION_EVENTS = _table(SessionEventRow)
OUTBOX = _table(OutboxRow)
IDEMPOTENCY = _table(IdempotencyRow)
LEADS = _table(LeadRow)
ERASURES = _table(ErasureRow)
VEHICLES = _table(VehicleRow)
DEALERS = _table(DealerRow)
HOST_SITES = _table(HostSiteRow)
PROCESSED = _table(ProcessedRow)
FUNNEL_DAYS = _table(FunnelDayRow)
FUNNEL_STEPS = _table(FunnelStepRow)
FUNNEL_TIMES = _table(FunnelTimeRow)
FUNNEL_WATERMARK = _table(FunnelWatermarkRow)
WEBHOOK_ENDPOINTS = _table(WebhookEndpointRow)
WEBHOOK_DELIVERIES = _table(WebhookDeliveryRow)
INVITATIONS = _table(InvitationRow)
RESUME_LINKS = _table(ResumeLinkRow)
