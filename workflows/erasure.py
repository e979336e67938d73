"""A host site's request to erase a customer's data: whom (e-mail, phone or a lead), checked
and normalized by the flow's own rules, so the subject is written as the sessions store it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from workflows.model import Component, Field, FieldType, Sensitivity, Step
from workflows.rules import FieldError, validate

_SUBJECT = Step(
    "erasure",
    Component.CHOICE,
    "Whose data",
    fields=(
        Field("email", FieldType.EMAIL, "E-mail", sensitivity=Sensitivity.PERSONAL),
        Field("phone", FieldType.PHONE, "Phone", sensitivity=Sensitivity.PERSONAL),
        Field("leadId", FieldType.STRING, "Lead id", max_length=36),
    ),
)


@dataclass(frozen=True, slots=True)
class ErasureRequest:
    email: str | None = None
    phone: str | None = None
    lead_id: str | None = None

    @property
    def contacts(self) -> tuple[str, ...]:
        return tuple(value for value in (self.email, self.phone) if value)


@dataclass(frozen=True, slots=True)
class ErasureCounts:
    """What one erasure removed (zero everywhere: nothing of that customer was found)."""

    sessions: int = 0
    leads: int = 0
    history: int = 0
    events: int = 0
    idempotency: int = 0
    outbox: int = 0


@dataclass(frozen=True, slots=True)
class Erased:
    counts: ErasureCounts


@dataclass(frozen=True, slots=True)
class NothingToErase:
    """Nothing of this customer under this key: also the answer to a wrong or missing key."""


@dataclass(frozen=True, slots=True)
class InvalidErasure:
    errors: tuple[FieldError, ...]


ErasureOutcome = Erased | NothingToErase | InvalidErasure


class _NoLookups:
    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None:
        return None


def checked_request(
    email: str | None, phone: str | None, lead_id: str | None, today: date
) -> tuple[ErasureRequest | None, list[FieldError]]:
    """The request normalized, or every fault (at least one of the three is needed)."""
    given = {k: v for k, v in {"email": email, "phone": phone, "leadId": lead_id}.items() if v}
    if not given:
        missing = "Give the customer's email or phone, or a leadId."
        return None, [FieldError("email", "required", missing)]
    values, errors = validate(_SUBJECT, given, lookups=_NoLookups(), today=today)
    if errors:
        return None, errors
    return ErasureRequest(
        email=_text(values.get("email")),
        phone=_text(values.get("phone")),
        lead_id=_text(values.get("leadId")),
    ), []


def _text(value: object) -> str | None:
    return str(value) if value is not None else None
