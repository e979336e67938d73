"""The sandbox bureau's decisions and the credit service's deadline."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from app.services.credit import Applicant, BureauUnavailable, CreditService, decide
from workflows.views import CreditOutcome

TODAY = date(2026, 11, 26)


def _applicant(ssn: str | None = "123456780", income: float = 85_000) -> Applicant:
    return Applicant("Grace Hopper", "95014", date(1980, 12, 9), income, "1 Loop", ssn)


@pytest.mark.parametrize(
    ("ssn", "income", "status"),
    [
        ("123456780", 85_000, "approved"),
        ("123456786", 85_000, "approved"),
        ("123456787", 85_000, "referred"),
        ("123456788", 85_000, "referred"),
        ("123456789", 85_000, "declined"),
        ("123456780", 14_999, "declined"),
        (None, 0, "prequalified"),
    ],
)
def test_the_sandbox_decides_by_applicant(ssn: str | None, income: float, status: str) -> None:
    assert decide(_applicant(ssn, income), TODAY).status == status


def test_an_approval_lends_forty_percent_of_income_at_an_apr_by_age() -> None:
    outcome = decide(_applicant(income=85_000), TODAY)
    assert outcome == CreditOutcome("approved", amount=34_000, apr=6.9)
    young = Applicant("Kid", "95014", date(2004, 1, 1), 30_000, "", "123456780")
    assert decide(young, TODAY).apr == 9.9


def test_the_ssn_never_reaches_a_log_line() -> None:
    assert "123456780" not in repr(_applicant())


class _Slow:
    async def check(self, applicant: Applicant) -> CreditOutcome:
        await asyncio.sleep(5)
        return CreditOutcome("approved")


class _Down:
    async def check(self, applicant: Applicant) -> CreditOutcome:
        raise BureauUnavailable("down")


@pytest.mark.parametrize("bureau", [_Slow(), _Down()], ids=["slow", "down"])
async def test_no_answer_in_time_is_unavailable(bureau: _Slow | _Down) -> None:
    outcome = await CreditService(bureau, deadline_seconds=0.05).check(_applicant())
    assert outcome.status == "unavailable"
    assert outcome.reason
