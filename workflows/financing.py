"""What the buyer's own financing shows: the invitation's intro, and the outcome of the credit
check as an applicant is owed it (FLOWS.md `financing_result`): approved with term options and a
monthly estimate, declined with the notice (who decided, the right to a free report and to
dispute), referred with what happens next and by when, unavailable with a retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

JsonObject = dict[str, Any]

TERMS_MONTHS = (36, 48, 60, 72)
BUREAU_NAME = "Sandbox Credit Bureau"
BUREAU_CONTACT = "P.O. Box 1000, Springfield, IL 62701 · 1-800-555-0100 · bureau.example"
DISCLAIMER = (
    "Prequalification is an estimate, not an offer of credit. The monthly amounts are "
    "estimates before taxes and fees; the final terms depend on the lender's review."
)
SOFT_CHECK = (
    "This is a soft inquiry: it does not affect your credit score, and the seller never sees "
    "your answers."
)
REFERRED_WITHIN = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TermOption:
    months: int
    monthly_payment: float


@dataclass(frozen=True, slots=True)
class DeclineNotice:
    """What a declined applicant is owed (the adverse action notice)."""

    bureau_name: str
    bureau_contact: str
    reason: str | None
    rights: tuple[str, ...]
    alternatives: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FinancingIntroData:
    vehicle: JsonObject
    agreed_price: float | None
    site_name: str
    soft_check: str
    usual_seconds: int
    privacy_url: str | None


@dataclass(frozen=True, slots=True)
class FinancingResultData:
    status: str  # approved | declined | referred | unavailable
    headline: str
    amount: int | None
    apr: float | None
    term_options: tuple[TermOption, ...]
    disclaimer: str | None
    notice: DeclineNotice | None
    next_steps: tuple[str, ...]
    by_when: datetime | None
    can_retry: bool


@dataclass(frozen=True, slots=True)
class FinancingCompleteData:
    shared: str  # outcome_only | nothing
    next_steps: tuple[str, ...]


def monthly_payment(principal: float, apr: float, months: int) -> float:
    """The level monthly payment of a loan of `principal` at `apr` percent a year."""
    rate = apr / 100 / 12
    if rate == 0:
        return round(principal / months, 2)
    return round(principal * rate / (1 - (1 + rate) ** -months), 2)


@dataclass(frozen=True, slots=True)
class Decision:
    """The bureau's answer as the session keeps it."""

    status: str
    amount: int | None = None
    apr: float | None = None
    reason: str | None = None


def result_of(outcome: Decision, price: float | None, decided_at: datetime) -> FinancingResultData:
    status, amount, apr = outcome.status, outcome.amount, outcome.apr
    if status == "approved" and amount is not None and apr is not None:
        principal = min(float(amount), price) if price else float(amount)
        terms = tuple(TermOption(n, monthly_payment(principal, apr, n)) for n in TERMS_MONTHS)
        return FinancingResultData(
            status,
            f"You are prequalified for up to ${amount:,}",
            amount,
            apr,
            terms,
            DISCLAIMER,
            None,
            ("Choose what the seller may know, then the lender contacts you to finish.",),
            None,
            False,
        )
    if status == "declined":
        return FinancingResultData(
            status,
            "We could not prequalify you this time",
            None,
            None,
            (),
            None,
            _notice(outcome.reason),
            ("You can still buy the car: pay another way, or apply with a co-applicant.",),
            None,
            False,
        )
    if status == "referred":
        return FinancingResultData(
            status,
            "Your application needs a closer look",
            None,
            None,
            (),
            None,
            None,
            ("A loan officer reviews your application and contacts you by email.",),
            decided_at + REFERRED_WITHIN,
            False,
        )
    return FinancingResultData(
        "unavailable",
        "We could not reach the credit bureau",
        None,
        None,
        (),
        None,
        None,
        ("Nothing was checked and nothing was kept. Try again now, or later from your link.",),
        None,
        True,
    )


def _notice(reason: str | None) -> DeclineNotice:
    return DeclineNotice(
        BUREAU_NAME,
        BUREAU_CONTACT,
        reason,
        (
            f"The decision used information from {BUREAU_NAME}, which did not make it and "
            "cannot tell you why it was made.",
            "You have the right to a free copy of your credit report from the bureau if you "
            "ask within 60 days.",
            "You have the right to dispute anything in your report that is wrong or "
            "incomplete, with the bureau.",
        ),
        (
            "Pay another way, or apply again with a co-applicant.",
            "Check your report for mistakes before you apply again.",
        ),
    )


NEXT_BY_STATUS = {
    "approved": "The lender contacts you by email to finish your loan.",
    "referred": "A loan officer contacts you by email within one business day.",
}


def complete_of(shared: str, status: str | None) -> FinancingCompleteData:
    if shared == "outcome_only":
        lines = ["The seller now knows whether you prequalified, and nothing else."]
    else:
        lines = ["The seller learns nothing of your application."]
    if status in NEXT_BY_STATUS:
        lines.append(NEXT_BY_STATUS[status])
    return FinancingCompleteData(shared, tuple(lines))
