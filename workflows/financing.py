"""What the buyer's own financing shows: the invitation's intro, and the outcome of the credit
check as an applicant is owed it (FLOWS.md `financing_result`): approved with term options and a
monthly estimate, declined with the notice (who decided, the right to a free report and to
dispute), referred with what happens next and by when, unavailable with a retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workflows import messages

JsonObject = dict[str, Any]

TERMS_MONTHS = (36, 48, 60, 72)
BUREAU_NAME = "Sandbox Credit Bureau"
BUREAU_CONTACT = "P.O. Box 1000, Springfield, IL 62701 · 1-800-555-0100 · bureau.example"
# The texts are the catalogue's (`workflows.messages`, ids `financing.*`), in the session's locale.
DISCLAIMER = "financing.disclaimer"
SOFT_CHECK = "financing.soft_check"
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


def soft_check_text(locale: str = messages.DEFAULT_LOCALE) -> str:
    return messages.text(SOFT_CHECK, locale)


def result_of(
    outcome: Decision,
    price: float | None,
    decided_at: datetime,
    locale: str = messages.DEFAULT_LOCALE,
) -> FinancingResultData:
    """The outcome as the applicant reads it, in `locale`."""
    status, amount, apr = outcome.status, outcome.amount, outcome.apr

    def say(message_id: str, **params: object) -> str:
        return messages.text(message_id, locale, params)

    if status == "approved" and amount is not None and apr is not None:
        principal = min(float(amount), price) if price else float(amount)
        terms = tuple(TermOption(n, monthly_payment(principal, apr, n)) for n in TERMS_MONTHS)
        return FinancingResultData(
            status,
            say("financing.approved.headline", amount=f"{amount:,}"),
            amount,
            apr,
            terms,
            say(DISCLAIMER),
            None,
            (say("financing.approved.next"),),
            None,
            False,
        )
    if status == "declined":
        return FinancingResultData(
            status,
            say("financing.declined.headline"),
            None,
            None,
            (),
            None,
            _notice(outcome.reason, locale),
            (say("financing.declined.next"),),
            None,
            False,
        )
    if status == "referred":
        return FinancingResultData(
            status,
            say("financing.referred.headline"),
            None,
            None,
            (),
            None,
            None,
            (say("financing.referred.next"),),
            decided_at + REFERRED_WITHIN,
            False,
        )
    return FinancingResultData(
        "unavailable",
        say("financing.unavailable.headline"),
        None,
        None,
        (),
        None,
        None,
        (say("financing.unavailable.next"),),
        None,
        True,
    )


def _notice(reason: str | None, locale: str) -> DeclineNotice:
    def say(message_id: str, **params: object) -> str:
        return messages.text(message_id, locale, params)

    return DeclineNotice(
        BUREAU_NAME,
        BUREAU_CONTACT,
        reason,
        (
            say("financing.notice.bureau", bureau=BUREAU_NAME),
            say("financing.notice.free_report"),
            say("financing.notice.dispute"),
        ),
        (say("financing.notice.other_way"), say("financing.notice.check_report")),
    )


# What happens next once the buyer chose what the seller may know, by the outcome.
NEXT_BY_STATUS = {
    "approved": "financing.complete.approved",
    "referred": "financing.complete.referred",
}


def complete_of(
    shared: str, status: str | None, locale: str = messages.DEFAULT_LOCALE
) -> FinancingCompleteData:
    told = "outcome_only" if shared == "outcome_only" else "nothing"
    lines = [messages.text(f"financing.complete.{told}", locale)]
    if status in NEXT_BY_STATUS:
        lines.append(messages.text(NEXT_BY_STATUS[status], locale))
    return FinancingCompleteData(shared, tuple(lines))
