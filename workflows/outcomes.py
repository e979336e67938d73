"""What the service answers: steps as the visitor sees them, and the expected failures.

Plain dataclasses, shared by the service layer (which builds them) and the GraphQL layer (which
maps them to types). Nothing here knows about databases or GraphQL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from workflows import messages
from workflows.engine import Progress
from workflows.financing import (
    FinancingCompleteData,
    FinancingIntroData,
    FinancingResultData,
)
from workflows.model import Option, SessionStatus, Step
from workflows.rules import FieldError
from workflows.variants import DEFAULT_VARIANT

JsonObject = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class SessionSummary:
    id: str
    status: SessionStatus
    workflow: str
    version: int
    seq: int
    token: str | None = None
    variant: str = DEFAULT_VARIANT  # its host site's variant it started in


@dataclass(frozen=True, slots=True)
class Navigation:
    can_go_back: bool
    next_step_id: str | None
    progress: Progress


@dataclass(frozen=True, slots=True)
class DealerCard:
    id: str
    name: str
    city: str
    state: str
    zip: str


@dataclass(frozen=True, slots=True)
class VehicleCard:
    id: str
    make: str
    model: str
    year: int
    price: int
    mileage: int
    fuel_type: str
    body_type: str
    seats: int
    transmission: str
    drivetrain: str
    features: tuple[str, ...]
    color: str
    dealer: DealerCard
    distance_miles: float | None = None
    match_score: int | None = None
    match_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Relaxation:
    """One tap that widens a search with no matches: it drops (or widens) `drops`, by
    submitting `answers` to the results step, and then `matches` vehicles match."""

    field: str
    matches: int
    label: str
    drops: tuple[str, ...]
    answers: JsonObject


@dataclass(frozen=True, slots=True)
class CriterionChip:
    """A criterion as the visitor reads it ("Max price: $25,000"); `removable`: one tap
    (`{"remove": field}`) drops it."""

    field: str
    label: str
    value: str
    text: str
    removable: bool


@dataclass(frozen=True, slots=True)
class ResultsData:
    vehicles: tuple[VehicleCard, ...]
    total: int
    page: int
    page_size: int
    criteria: JsonObject
    relaxations: tuple[Relaxation, ...] = ()
    chips: tuple[CriterionChip, ...] = ()
    # The order of these results and the orders offered (none for a CarIn ranking).
    sort: str | None = None
    sorts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SelectionData:
    vehicle: VehicleCard


@dataclass(frozen=True, slots=True)
class SearchFormData:
    makes: tuple[str, ...]
    models: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class DealersData:
    dealers: tuple[DealerCard, ...]


@dataclass(frozen=True, slots=True)
class CreditOutcome:
    status: str  # approved | declined | referred | unavailable
    amount: int | None = None
    apr: float | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SummarySection:
    """One earlier step's part of a confirmation's summary, and whether the visitor can go
    back to change it (`back` with `toStep`)."""

    step_id: str
    title: str
    answers: JsonObject
    can_change: bool


@dataclass(frozen=True, slots=True)
class ConfirmationData:
    summary: JsonObject
    credit: CreditOutcome | None = None
    sections: tuple[SummarySection, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsentData:
    consent_text: str
    consent_version: str


@dataclass(frozen=True, slots=True)
class PendingData:
    awaiting: str
    since: datetime
    # How long it usually takes (the median wait of this step), in seconds.
    usual_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class CompletionData:
    lead_id: str
    lead_reference: str
    lead_status: str
    summary: JsonObject
    next_steps: tuple[str, ...]
    linked_lead_references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InviteData:
    """The invitation the buyer receives: for how long it can be used."""

    valid_days: int


StepData = (
    ResultsData
    | SelectionData
    | SearchFormData
    | DealersData
    | ConfirmationData
    | ConsentData
    | PendingData
    | CompletionData
    | InviteData
    | FinancingIntroData
    | FinancingResultData
    | FinancingCompleteData
    | None
)


@dataclass(frozen=True, slots=True)
class StepView:
    session: SessionSummary
    step: Step
    values: JsonObject
    validation_rules: JsonObject
    navigation: Navigation
    data: StepData = None
    message: str | None = None
    ui: JsonObject = field(default_factory=dict)
    # The options only the service knows (`options_from`), by field: makes, the chosen make's
    # models, dealers, the vehicles listed on this page.
    options: Mapping[str, tuple[Option, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Moved:
    view: StepView


@dataclass(frozen=True, slots=True)
class Invalid:
    errors: tuple[FieldError, ...]
    view: StepView


@dataclass(frozen=True, slots=True)
class Stale:
    expected_step: str
    view: StepView


@dataclass(frozen=True, slots=True)
class NotFound:
    session_id: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """`reason`: the text of `message_id` (the catalogue's, filled with `params`) in the
    session's locale; None for a refusal outside the catalogue."""

    reason: str
    code: str
    view: StepView
    message_id: str | None = None
    params: JsonObject = field(default_factory=dict)


Outcome = Moved | Invalid | Stale | NotFound | Rejected


@dataclass(frozen=True, slots=True)
class LeadStatusEvent:
    lead_id: str
    lead_reference: str
    status: str
    seq: int
    at: datetime
    detail: JsonObject
    # The change in the visitor's words (None: nothing to tell them).
    message: str | None = None


@dataclass(frozen=True, slots=True)
class SessionUpdate:
    seq: int
    type: str  # STEP_CHANGED | LEAD_STATUS
    at: datetime
    view: StepView | None = None
    lead: LeadStatusEvent | None = None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: a host site's publishable key, the page's origin and the client's
    address (the one the limits count), where known."""

    publishable_key: str | None = None
    origin: str | None = None
    address: str | None = None


ANONYMOUS = Caller()


@dataclass(frozen=True, slots=True)
class LeadView:
    """A lead as its host site's server sees it."""

    id: str
    reference: str
    kind: str
    status: str
    created_at: datetime
    score: int | None
    score_factors: tuple[tuple[str, int], ...]
    dealer_ids: tuple[str, ...]
    outcomes: JsonObject
    history: tuple[LeadStatusEvent, ...]
    session: LeadSession | None = None  # None once its session is gone
    # The consents given for it, each as recorded (app/services/consents.py).
    consents: tuple[JsonObject, ...] = ()


@dataclass(frozen=True, slots=True)
class LeadSession:
    """What a lead's session ran: the workflow, its version and the site's variant."""

    workflow: str
    version: int
    variant: str


@dataclass(frozen=True, slots=True)
class DefinitionInfo:
    name: str
    version: int
    steps: tuple[Step, ...]
    edges: tuple[tuple[str, str, str], ...]  # (from, to, label)
    entries: Mapping[str | None, str]
    mermaid: str


class UnknownSession(LookupError):
    """No session with this id, or a wrong or missing token (indistinguishable on purpose)."""


class InvalidStart(ValueError):
    """startWorkflow was refused: its host context is not a small JSON object (`field`
    "context"), its publishable key is missing, unknown or used from another origin, or its
    invitation does not open. A refusal the visitor reads (an invitation's) names its catalogue
    text (`message_id`); the integrator's own (a key, the context) are US English, without one."""

    def __init__(self, message: str, field: str = "context", message_id: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message_id = message_id

    @classmethod
    def said(cls, message_id: str, field: str) -> InvalidStart:
        """The refusal the catalogue's `message_id` says (in US English until `localized`)."""
        return cls(messages.text(message_id), field, message_id)

    def localized(self, locale: str) -> InvalidStart:
        """The same refusal in `locale` (a refusal without a catalogue id stays as it is)."""
        if self.message_id is None or locale == messages.DEFAULT_LOCALE:
            return self
        return InvalidStart(messages.text(self.message_id, locale), self.field, self.message_id)


class RateLimited(Exception):
    """Refused by a rate limit (`rule`, a field of the settings' RateLimits); the client may
    try again after `retry_after` seconds (`seconds`: whole, at least one)."""

    def __init__(self, retry_after: float, rule: str) -> None:
        self.retry_after = retry_after
        self.rule = rule
        self.seconds = max(1, math.ceil(retry_after))
        super().__init__(f"Too many requests; retry after {self.seconds} s.")


class UnknownLead(LookupError):
    """No such lead for this secret key (unknown, another site's, or a wrong key: alike)."""


class UpdatesInterrupted(RuntimeError):
    """A live stream ended early (a slow client, the bus gone): reconnect with afterSeq."""
