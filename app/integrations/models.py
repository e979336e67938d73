"""What the external services answer, as typed values, and what the credit bureau is asked.

Each `from_json` reads a service's JSON answer; a missing or mistyped field is the service's
defect and raises `UnexpectedResponse`, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar

from app.integrations.errors import UnexpectedResponse

Channel = Literal["email", "sms"]
CreditStatus = Literal["approved", "declined", "referred", "prequalified"]
CREDIT_STATUSES: tuple[CreditStatus, ...] = ("approved", "declined", "referred", "prequalified")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DecodedVin:
    make: str | None  # our catalogue's make, None when the manufacturer is not one of ours
    model: str | None  # a VIN does not name the model reliably; None when the service cannot
    year: int | None
    manufacturer: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any], service: str) -> DecodedVin:
        return cls(
            make=_field(body, "make", str, service, optional=True),
            model=_field(body, "model", str, service, optional=True),
            year=_field(body, "year", int, service, optional=True),
            manufacturer=_required(body, "manufacturer", str, service),
        )


@dataclass(frozen=True, slots=True)
class Valuation:
    low: int  # US dollars
    high: int

    @classmethod
    def from_json(cls, body: Mapping[str, Any], service: str) -> Valuation:
        return cls(_required(body, "low", int, service), _required(body, "high", int, service))


@dataclass(frozen=True, slots=True, repr=False)
class CreditApplicant:
    full_name: str
    zip: str
    date_of_birth: date | None = None
    annual_income: float = 0
    address_line: str = ""
    ssn: str | None = None  # None asks for a soft check (name and address only)
    unit: str | None = None
    city: str | None = None
    state: str | None = None

    def __repr__(self) -> str:  # never let the SSN reach a log line
        return f"CreditApplicant({self.full_name!r}, zip={self.zip!r}, soft={self.ssn is None})"

    def to_json(self) -> dict[str, Any]:
        born = self.date_of_birth.isoformat() if self.date_of_birth else None
        return {
            "full_name": self.full_name,
            "zip": self.zip,
            "date_of_birth": born,
            "annual_income": self.annual_income,
            "address_line": self.address_line,
            "unit": self.unit,
            "city": self.city,
            "state": self.state,
            "ssn": self.ssn,
        }


@dataclass(frozen=True, slots=True)
class CreditDecision:
    status: CreditStatus
    amount: int | None = None
    apr: float | None = None
    reason: str | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any], service: str) -> CreditDecision:
        status = body.get("status")
        if status not in CREDIT_STATUSES:
            raise UnexpectedResponse(service, f"unknown credit status {status!r}")
        apr = _field(body, "apr", (int, float), service, optional=True)
        return cls(
            status=status,
            amount=_field(body, "amount", int, service, optional=True),
            apr=None if apr is None else float(apr),
            reason=_field(body, "reason", str, service, optional=True),
        )


@dataclass(frozen=True, slots=True)
class CrmReceipt:
    crm_id: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any], service: str) -> CrmReceipt:
        return cls(_required(body, "crm_id", str, service))


@dataclass(frozen=True, slots=True)
class Assignment:
    assignment_id: str
    dealer_id: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any], service: str) -> Assignment:
        return cls(
            _required(body, "assignment_id", str, service),
            _required(body, "dealer_id", str, service),
        )


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any], service: str) -> SentMessage:
        return cls(_required(body, "message_id", str, service))


def _required(body: Mapping[str, Any], key: str, kind: type[T], service: str) -> T:
    value = _field(body, key, kind, service, optional=False)
    assert value is not None
    return value


def _field(
    body: Mapping[str, Any],
    key: str,
    kind: type[T] | tuple[type[T], ...],
    service: str,
    *,
    optional: bool,
) -> T | None:
    value = body.get(key)
    if value is None and optional:
        return None
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
    raise UnexpectedResponse(service, f"field {key!r} is {value!r}, expected {names}")
