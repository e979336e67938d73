"""What the service layer needs of storage, as protocols; `app/db` implements them.

A unit of work is one transaction (`Storage.write()`) or one read (`Storage.read()`): it yields
the stores, each bound to that transaction, and commits when the block ends (rolls back if it
raises). Stores never commit, and they take and give records (`app/services/records.py`),
never table rows. The workflow service asks only for `SessionStorage` (the session's stores),
which `tests/support/memory_storage.py` implements in memory, so its own logic is tested without
a database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from app.services.records import (
    ClientDigests,
    HostSite,
    HostSiteKeys,
    Invitation,
    LeadCopy,
    LeadRecord,
    OutboxItem,
    ResumeLink,
    SessionCopy,
    SessionRecord,
    StoredEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from vehicles.models import Dealer, Vehicle
from workflows.funnel import RollupDelta, RollupTotals, SessionMoves
from workflows.model import SessionStatus
from workflows.replay import RecordedSession
from workflows.variants import Variant


class SessionStore(Protocol):
    async def get(self, session_id: str) -> SessionRecord | None: ...
    async def waiting_ids(self, since_before: datetime) -> list[str]: ...
    async def in_flight(self, workflow: str, version: int) -> list[str]:
        """The ids of the sessions on `workflow` `version` that are active or waiting, oldest
        first (what `trex flows migrate` moves)."""
        ...

    async def versions_in_use(self) -> dict[tuple[str, int], int]:
        """How many stored sessions run on each (workflow, version)."""
        ...

    async def add(self, record: SessionRecord) -> None: ...
    async def save(self, record: SessionRecord) -> SessionRecord | None:
        """The new state if nobody wrote since it was read, with the next row version and
        event seq; None on a conflict."""

    async def next_seq(self, session_id: str) -> int | None: ...
    async def set_status(self, session_id: str, status: SessionStatus) -> None: ...
    async def set_token(self, session_id: str, token_hash: str) -> None:
        """A new token (the old one stops working), and a new row version: whoever read the
        session before must read it again."""

    async def add_history(
        self,
        session_id: str,
        action: str,
        from_step: str | None,
        to_step: str,
        at: datetime,
        input_: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
    ) -> None: ...
    async def recorded(self, workflow: str, version: int, limit: int) -> list[RecordedSession]:
        """The whole history of at most `limit` sessions of `version`, the oldest first, each
        row in order (a shadow replay's input)."""

    async def idempotent_outcome(self, session_id: str, key: str) -> dict[str, Any] | None: ...
    async def remember_outcome(
        self, session_id: str, key: str, outcome: dict[str, Any], at: datetime
    ) -> None: ...


class EventStore(Protocol):
    async def add(self, event: StoredEvent) -> None: ...
    async def after(self, session_id: str, after_seq: int) -> list[StoredEvent]: ...
    async def unpublished(self, limit: int) -> list[StoredEvent]: ...
    async def mark_published(self, events: Sequence[StoredEvent], at: datetime) -> None: ...


class ClientCountStore(Protocol):
    """What one client already has (app/services/lead_limits.py), counted by its digests."""

    async def lock(self, digests: Iterable[str]) -> None:
        """Serialize the transactions that count the same client."""

    async def most_holds(self, client: ClientDigests, now: datetime) -> int: ...
    async def most_leads(self, client: ClientDigests, since: datetime) -> int: ...
    async def reserve_confirmation(
        self, lead_id: str, recipient: str, now: datetime, since: datetime
    ) -> bool: ...


class LeadStore(Protocol):
    async def add(self, lead: LeadRecord) -> None: ...
    async def get(self, lead_id: str) -> LeadRecord | None: ...
    async def statuses_of_session(self, session_id: str) -> list[str]: ...
    async def hold_vehicle(
        self, vehicle_id: str, lead_id: str, now: datetime, until: datetime
    ) -> bool: ...
    async def release_hold(self, lead_id: str) -> None: ...
    # The lead pipeline (app/pipeline/saga.py) and the relay's housekeeping:
    async def locked(self, lead_id: str) -> LeadRecord | None:
        """The lead, locked until the unit of work ends (handlers update it concurrently)."""

    async def update(self, lead: LeadRecord, at: datetime) -> None:
        """Its status, CRM id and outcomes as `lead` has them."""

    async def release_expired_holds(self, now: datetime) -> int: ...
    async def capacities(self) -> dict[str, int]: ...
    async def take_capacity(self, dealer_id: str) -> bool: ...
    async def give_back_capacity(self, dealer_ids: Sequence[str]) -> None: ...


class OutboxStore(Protocol):
    async def add(self, topic: str, payload: dict[str, Any], now: datetime) -> None: ...
    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxItem]: ...
    async def done(self, item_id: int, now: datetime) -> None: ...
    async def retry_later(self, item_id: int, at: datetime, error: str) -> None: ...
    async def release(self, item_ids: list[int]) -> None: ...
    async def prune(self, done_before: datetime) -> int: ...
    async def backlog(self) -> list[tuple[str, int, datetime]]: ...
    async def already_processed(self, handler: str, event_id: int) -> bool: ...
    async def mark_processed(self, handler: str, event_id: int, now: datetime) -> None: ...


class InvitationStore(Protocol):
    async def put(self, invitation: Invitation) -> None:
        """Adds it, or replaces it (sent again: a new token)."""

    async def get(self, invitation_id: str) -> Invitation | None: ...
    async def locked(self, invitation_id: str) -> Invitation | None:
        """The invitation, locked until the unit of work ends (to read, then write it)."""

    async def by_token(self, token_hash: str) -> Invitation | None: ...
    async def use(self, invitation_id: str, session_id: str, now: datetime) -> bool:
        """Marks it used by the applicant's session, unless used or expired meanwhile."""


class ResumeLinkStore(Protocol):
    async def put(self, link: ResumeLink) -> None:
        """Adds it, replacing the session's earlier link."""

    async def by_token(self, token_hash: str) -> ResumeLink | None: ...
    async def use(self, link_id: str, now: datetime) -> bool:
        """Marks it used, unless used or expired meanwhile."""


class SessionUnitOfWork(Protocol):
    """The stores of a session's transaction (or read): the session and its events, and what
    a transition writes with them (leads, vehicle holds, outbox work) or counts (the caps).
    All the workflow service needs: its fake (tests/support/memory_storage.py) is this."""

    @property
    def sessions(self) -> SessionStore: ...
    @property
    def events(self) -> EventStore: ...
    @property
    def leads(self) -> LeadStore: ...
    @property
    def outbox(self) -> OutboxStore: ...
    @property
    def client_counts(self) -> ClientCountStore: ...
    @property
    def invitations(self) -> InvitationStore: ...
    @property
    def resume_links(self) -> ResumeLinkStore: ...
    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once this unit of work has committed (never if it rolls back): what
        counts a write (a metric) counts only what was written."""
        ...


class SessionStorage(Protocol):
    """What the workflow service opens its units of work on; every `Storage` is one."""

    def read(self) -> AbstractAsyncContextManager[SessionUnitOfWork]: ...
    def write(self) -> AbstractAsyncContextManager[SessionUnitOfWork]: ...


class UnitOfWork(SessionUnitOfWork, Protocol):
    """The stores of one transaction (or one read)."""

    @property
    def sites(self) -> HostSiteStore: ...
    @property
    def inventory(self) -> InventoryStore: ...
    @property
    def personal(self) -> PersonalDataStore: ...
    @property
    def webhooks(self) -> WebhookStore: ...


class Storage(Protocol):
    def read(self) -> AbstractAsyncContextManager[UnitOfWork]: ...
    def write(self) -> AbstractAsyncContextManager[UnitOfWork]: ...


# --- Host sites, inventory and personal data ---


class StorageUnavailable(Exception):
    """The database did not answer (a caller that can go on with what it knew does)."""


class HostSiteStore(Protocol):
    async def add(self, site: HostSite, keys: HostSiteKeys, at: datetime) -> None: ...
    async def add_if_missing(self, site: HostSite, keys: HostSiteKeys, at: datetime) -> None: ...
    async def get(self, site_id: str) -> HostSite | None: ...
    async def by_publishable_hash(self, digest: str) -> HostSite | None: ...
    async def by_secret_hash(self, digest: str) -> HostSite | None: ...
    async def set_origins(self, site_id: str, origins: list[str]) -> HostSite | None: ...
    async def set_variants(self, site_id: str, variants: tuple[Variant, ...]) -> HostSite | None:
        """The site with its new variants; None: no such site."""

    async def all_origins(self) -> list[str]:
        """`StorageUnavailable` when the database does not answer."""


class InventoryStore(Protocol):
    async def count_vehicles(self) -> int: ...
    async def vehicles(self) -> list[Vehicle]: ...
    async def dealers(self) -> list[Dealer]: ...
    async def unavailable_ids(self, now: datetime) -> set[str]: ...
    async def add_stock(self, dealers: Sequence[Dealer], vehicles: Sequence[Vehicle]) -> None: ...


class PersonalDataStore(Protocol):
    """Where personal data sits (retention and erasure): found, scrubbed, deleted."""

    async def idle_sessions_without_lead(self, before: datetime, limit: int) -> list[str]: ...
    async def delete_sessions(self, ids: Sequence[str], before: datetime) -> dict[str, int]: ...
    async def leads_due(self, created_before: datetime, limit: int) -> list[LeadCopy]: ...
    async def leads_of_site(
        self, site_id: str, *, contacts: Sequence[str] = (), lead_id: str | None = None
    ) -> list[LeadCopy]: ...
    async def leads_of_sessions(self, session_ids: Sequence[str]) -> list[LeadCopy]: ...
    async def sessions_of_site(
        self, site_id: str, contacts: Sequence[str], limit: int
    ) -> list[SessionCopy]: ...
    async def scrub_session(
        self, session_id: str, names: frozenset[str], context_keys: Sequence[str]
    ) -> dict[str, int]: ...
    async def scrub_lead(self, lead_id: str, names: frozenset[str], now: datetime) -> None: ...
    async def scrub_outbox(
        self, lead_ids: Sequence[str], names: frozenset[str], now: datetime
    ) -> int: ...
    async def record_erasure(
        self,
        erasure_id: str,
        site_id: str,
        subject_hash: str,
        counts: dict[str, int],
        at: datetime,
        by: str,
    ) -> None: ...


class WebhookStore(Protocol):
    """Host sites' webhook endpoints and the log of their deliveries (app/services/webhooks.py,
    app/pipeline/webhooks.py)."""

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None: ...
    async def endpoint(self, endpoint_id: str) -> WebhookEndpoint | None: ...
    async def endpoints_of_site(self, site_id: str) -> list[WebhookEndpoint]: ...
    async def remove_endpoint(self, site_id: str, endpoint_id: str) -> bool: ...
    async def rotate_secret(
        self, site_id: str, endpoint_id: str, secret: str, previous_until: datetime, at: datetime
    ) -> WebhookEndpoint | None:
        """The endpoint with `secret`, its old one kept as previous until `previous_until`;
        None: the site has no such endpoint."""

    async def add_delivery(self, delivery: WebhookDelivery) -> bool:
        """False: this endpoint has this message already (a second fan-out adds nothing)."""

    async def delivery(self, delivery_id: str) -> WebhookDelivery | None: ...
    async def record_attempt(
        self,
        delivery_id: str,
        status: str,
        at: datetime,
        status_code: int | None,
        error: str | None,
    ) -> None:
        """One more attempt, and the delivery's status after it."""

    async def reopen(self, delivery_id: str) -> None:
        """Pending again (a replay), its attempts counted afresh."""

    async def deliveries_of_site(
        self, site_id: str, endpoint_id: str | None, limit: int
    ) -> list[WebhookDelivery]:
        """Newest first."""


# --- The funnel's rollup (app/services/funnel.py) ---


class FunnelStore(Protocol):
    async def horizon(self) -> int:
        """The last history id below which no row can still appear (none is being written)."""

    async def watermark(self) -> int: ...
    async def moves_after(
        self, after: int, through: int, limit: int
    ) -> tuple[int, list[SessionMoves]]:
        """The id of the last of the next `limit` rows, and the history of their sessions."""

    async def advance(self, old: int, new: int, at: datetime) -> bool:
        """The watermark moved from `old` to `new`; False if another fold moved it first."""

    async def add(self, delta: RollupDelta) -> None: ...
    async def totals(
        self, first: date, last: date, site_id: str | None, workflow: str | None
    ) -> RollupTotals: ...


class FunnelUnitOfWork(Protocol):
    @property
    def funnel(self) -> FunnelStore: ...


class FunnelStorage(Protocol):
    def read(self) -> AbstractAsyncContextManager[FunnelUnitOfWork]: ...
    def write(self) -> AbstractAsyncContextManager[FunnelUnitOfWork]: ...
