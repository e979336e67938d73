"""The credit service: the bureau's decision within the deadline, else `unavailable`."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from app.integrations.errors import CircuitOpen, Unavailable
from app.integrations.models import CreditApplicant, CreditDecision
from app.services.credit import CreditService

APPLICANT = CreditApplicant(
    "Grace Hopper", "95014", date(1980, 12, 9), 85_000, "1 Loop", "123456780"
)


class _Bureau:
    def __init__(self, *, delay: float = 0, error: Exception | None = None) -> None:
        self.delay, self.error, self.keys = delay, error, list[str]()

    async def check(self, applicant: CreditApplicant, *, idempotency_key: str) -> CreditDecision:
        self.keys.append(idempotency_key)
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return CreditDecision("approved", 34_000, 6.9, None)


async def test_the_bureau_decision_is_the_outcome() -> None:
    bureau = _Bureau()
    outcome = await CreditService(bureau, deadline_seconds=1).check(APPLICANT, key="s-1:credit")
    assert (outcome.status, outcome.amount, outcome.apr) == ("approved", 34_000, 6.9)
    assert bureau.keys == ["s-1:credit"]


@pytest.mark.parametrize(
    "bureau",
    [
        _Bureau(delay=5),
        _Bureau(error=Unavailable("credit-bureau", "503")),
        _Bureau(error=CircuitOpen("credit-bureau", 30.0)),
    ],
    ids=["too slow", "failing", "circuit open"],
)
async def test_no_answer_in_time_is_unavailable(bureau: _Bureau) -> None:
    outcome = await CreditService(bureau, deadline_seconds=0.05).check(APPLICANT, key="k")
    assert outcome.status == "unavailable"
    assert outcome.reason


def test_the_ssn_never_reaches_a_log_line() -> None:
    assert "123456780" not in repr(APPLICANT)
