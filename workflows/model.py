"""The workflow definition model: flows are data, not if-chains.

A `Workflow` is a set of `Step`s. Each step names its UI component, its fields (type, required,
constraints), its transitions (ordered guards over the answers, then a default) and its effects by
name; the service layer binds effect names to handlers. Nothing here evaluates strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    STRING = "string"
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    ENUM = "enum"
    MULTI_ENUM = "multi_enum"
    EMAIL = "email"
    PHONE = "phone"
    ZIP = "zip"
    VIN = "vin"
    SSN = "ssn"


class Sensitivity(StrEnum):
    """What a field's value is, for storage, logs and erasure.

    SECRET (the SSN): used for the step's effect and dropped: never stored, echoed or prefilled.
    PERSONAL (names, date of birth, income, address, contact): stored with the session and its
    lead only; kept out of history, idempotency snapshots, logs and errors; erased on request
    and after the retention. NONE: everything else."""

    NONE = "none"
    PERSONAL = "personal"
    SECRET = "secret"


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


class Op(StrEnum):
    EQUALS = "equals"
    IN = "in"
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"
    PRESENT = "present"


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: Op
    value: str | bool | tuple[str, ...] | None = None

    def holds(self, answers: Mapping[str, object]) -> bool:
        actual = answers.get(self.field)
        if self.op is Op.EQUALS:
            return actual == self.value
        if self.op is Op.IN:
            return isinstance(self.value, tuple) and actual in self.value
        if self.op is Op.IS_TRUE:
            return actual is True
        if self.op is Op.IS_FALSE:
            return actual is False
        return actual is not None


@dataclass(frozen=True, slots=True)
class Consent:
    """A consent the visitor gives by ticking a field: the text shown is the field's label, and
    each answer is recorded with this text id and version, a hash of the rendered text, the
    locale and the time. A consent is never prefilled: each is an active choice."""

    text_id: str
    version: str
    # The text shown when it is more than the field's label (a paragraph beside a question).
    text: str | None = None

    def rendered(self, label: str) -> str:
        """The text the visitor agrees to: the paragraph shown, else the label."""
        return self.text or label


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a step, with every rule the server enforces and the client is told."""

    name: str
    type: FieldType
    label: str
    required: bool = False
    # Required unless one of these other fields is given ("vin or make", "e-mail or phone").
    required_unless: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    # Options that only the service knows (catalogue makes, a make's models, dealers, listings).
    options_from: str | None = None
    minimum: float | None = None
    exclusive_minimum: float | None = None
    maximum: float | None = None
    # Maximum is "next calendar year" for model years; resolved at validation time.
    maximum_is_next_year: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    must_be_true: bool = False
    min_age: int | None = None
    max_age: int | None = None
    sensitivity: Sensitivity = Sensitivity.NONE
    group: str | None = None
    # Required when this condition holds over the step's answers ("the one the channel needs").
    required_when: Condition | None = None
    # The value shown before the visitor chooses (an enum's "any").
    default: str | None = None
    consent: Consent | None = None
    # The catalogue's message shown when a rule fails, by the rule's code, where the rule's own
    # message is not enough ("Enter the buyer's email to send the invitation by email").
    messages: Mapping[str, str] = field(default_factory=dict)

    @property
    def secret(self) -> bool:
        """Never stored in clear, never echoed, never prefilled (the SSN)."""
        return self.sensitivity is Sensitivity.SECRET

    @property
    def personal(self) -> bool:
        """Personal or secret: kept out of every copy but the session and its lead."""
        return self.sensitivity is not Sensitivity.NONE


class SessionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    WAITING = "WAITING"
    SUBMITTED = "SUBMITTED"
    COMPLETED = "COMPLETED"


@dataclass(frozen=True, slots=True)
class Goto:
    step: str


@dataclass(frozen=True, slots=True)
class ReturnTo:
    """Go back to the most recent of these steps on the session's path (the results step it
    came from)."""

    steps: tuple[str, ...]


Target = Goto | ReturnTo


@dataclass(frozen=True, slots=True)
class Guard:
    when: Condition
    target: Target


class Component(StrEnum):
    INTENT_SELECTION = "IntentSelection"
    CHOICE = "Choice"
    VEHICLE_SEARCH = "VehicleSearch"
    VEHICLE_RESULTS = "VehicleResults"
    CARIN_QUESTIONS = "CarInQuestions"
    VEHICLE_SELECTION = "VehicleSelection"
    CONTACT_CONFIRMATION = "ContactConfirmation"
    PRIVATE_BUYER_DETAILS = "PrivateBuyerDetails"
    DEALER_INFORMATION = "DealerInformation"
    DEALER_NETWORK = "DealerNetwork"
    CREDIT_CHECK = "CreditCheck"
    CREDIT_CONSENT = "CreditConsent"
    PENDING = "Pending"
    COMPLETION = "Completion"
    FINANCING_INVITE = "FinancingInvite"
    FINANCING_INTRO = "FinancingIntro"
    FINANCING_RESULT = "FinancingResult"


@dataclass(frozen=True, slots=True)
class Results:
    """A results step lists the vehicles that match the answers given at `criteria_from`:
    ranked by fit to them (CarIn), or in the order searched."""

    criteria_from: str
    ranked: bool = False


@dataclass(frozen=True, slots=True)
class Summary:
    """What a confirmation step shows before the visitor commits; its lead carries the same."""

    # Earlier steps whose answers are shown (and make the lead's details), in order.
    answers_from: tuple[str, ...] = ()
    # The vehicle chosen on a results step.
    selected_vehicle: bool = False
    # The soft-credit consent recorded on the way.
    credit_consent: bool = False
    # The outcome of the credit check run on the way.
    credit_outcome: bool = False
    # The invitation sent to the buyer to apply for their own financing.
    financing_invitation: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    component: Component
    title: str
    fields: tuple[Field, ...] = ()
    guards: tuple[Guard, ...] = ()
    default: Target | None = None
    # Named effects run on submit, in order; the service layer binds each name to a handler.
    effects: tuple[str, ...] = ()
    terminal: bool = False
    can_go_back: bool = True
    # A pending step waits for this asynchronous outcome, then follows its default.
    awaits: str | None = None
    # Steps whose answers prefill same-named fields here (contact details, trade-in vehicle).
    prefill_from: tuple[str, ...] = ()
    # Cross-field order rules: (low, high) means low ≤ high when both are given.
    ordered: tuple[tuple[str, str], ...] = ()
    # Leaving this step commits something irreversible (a lead, a credit check): no way back.
    commits: bool = False
    # Where a business rejection of this step's effects sends the visitor.
    on_reject: Target | None = None
    # A results step's criteria and ranking.
    results: Results | None = None
    # A confirmation step's summary.
    summary: Summary | None = None
    # The kind of lead this step's submit effect creates ("buying", "dealer_sale"...).
    lead_kind: str | None = None
    # A terminal step's "what happens next", by the kind of the session's latest lead.
    next_steps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ui: Mapping[str, object] = field(default_factory=dict)

    # The fields by name, for lookups on every request (built once per step).
    _by_name: Mapping[str, Field] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {spec.name: spec for spec in self.fields})

    def field_named(self, name: str) -> Field | None:
        return self._by_name.get(name)

    def targets(self) -> tuple[Target, ...]:
        found = [guard.target for guard in self.guards]
        if self.default is not None:
            found.append(self.default)
        if self.on_reject is not None:
            found.append(self.on_reject)
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Branch:
    """A fork of the flow the funnel reports on: the option a session took is the option step
    it moved to from one of `chosen_at` (None: it started there, its host page having chosen)."""

    name: str
    chosen_at: tuple[str | None, ...]
    options: Mapping[str, str]  # option step → option name


@dataclass(frozen=True, slots=True)
class Workflow:
    name: str
    version: int
    steps: Mapping[str, Step]
    # workflowType (None, "buying", "selling") → first step.
    entries: Mapping[str | None, str]
    # The answers recorded when a host page starts with a known intent.
    entry_answers: Mapping[str | None, Mapping[str, Mapping[str, object]]] = field(
        default_factory=dict
    )
    # The forks the funnel reports conversion for.
    branches: tuple[Branch, ...] = ()

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]
