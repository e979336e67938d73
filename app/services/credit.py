"""The Credit Service: a bureau behind a port, asked in the background with a deadline.

The first bureau is an in-process sandbox with realistic latency and outcomes that are
deterministic per applicant, so a person (or a test) can pick the outcome:

| applicant                                   | outcome                                   |
|---------------------------------------------|-------------------------------------------|
| annual income under $15,000                 | declined (income too low)                 |
| SSN ending in 9                             | declined (credit history)                 |
| SSN ending in 7 or 8                        | referred (manual review by a lender)      |
| anyone else                                 | approved: up to 40% of income, APR by age |
| a soft check (no SSN)                       | prequalified                              |

The SSN is used for the check and dropped: it is never stored, logged or sent back.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from workflows.checks import age_on
from workflows.views import CreditOutcome

log = logging.getLogger("trex.credit")


@dataclass(frozen=True, slots=True)
class Applicant:
    full_name: str
    zip: str
    date_of_birth: date | None = None
    annual_income: float = 0
    address_line: str = ""
    ssn: str | None = None  # None for a soft check (name and address only)

    def __repr__(self) -> str:  # never let the SSN reach a log line
        return f"Applicant({self.full_name!r}, zip={self.zip!r}, soft={self.ssn is None})"


class CreditBureau(Protocol):
    async def check(self, applicant: Applicant) -> CreditOutcome: ...


class BureauUnavailable(Exception):
    pass


class SandboxBureau:
    """Decides like a bureau would, after a latency drawn from [min_ms, max_ms]."""

    def __init__(self, min_ms: int = 300, max_ms: int = 900, down: bool = False) -> None:
        self.min_ms, self.max_ms, self.down = min_ms, max_ms, down

    async def check(self, applicant: Applicant) -> CreditOutcome:
        seed = hashlib.sha256(f"{applicant.full_name}|{applicant.zip}".encode()).digest()
        latency = random.Random(seed).randint(self.min_ms, max(self.min_ms, self.max_ms))
        await asyncio.sleep(latency / 1000)
        if self.down:
            raise BureauUnavailable("sandbox bureau is down")
        return decide(applicant, date.today())


def decide(applicant: Applicant, today: date) -> CreditOutcome:
    if applicant.ssn is None:
        return CreditOutcome("prequalified", reason="A soft check found no obstacle to financing.")
    last = applicant.ssn[-1]
    if applicant.annual_income < 15_000:
        return CreditOutcome("declined", reason="Income below the lender's minimum.")
    if last == "9":
        return CreditOutcome("declined", reason="The credit history does not qualify.")
    if last in "78":
        return CreditOutcome("referred", reason="A lender will review the application by hand.")
    born = applicant.date_of_birth or today
    age = age_on(born, today)
    amount = int(applicant.annual_income * 0.4 // 500 * 500)
    apr = 6.9 if age >= 25 else 9.9
    return CreditOutcome("approved", amount=amount, apr=apr)


class CreditService:
    def __init__(self, bureau: CreditBureau, deadline_seconds: float) -> None:
        self._bureau = bureau
        self._deadline = deadline_seconds

    async def check(self, applicant: Applicant) -> CreditOutcome:
        """The bureau's answer, or `unavailable` when it fails or misses the deadline."""
        try:
            return await asyncio.wait_for(self._bureau.check(applicant), self._deadline)
        except TimeoutError:
            log.warning("credit bureau missed the %.1fs deadline", self._deadline)
        except BureauUnavailable as error:
            log.warning("credit bureau unavailable: %s", error)
        return CreditOutcome("unavailable", reason="The credit service did not answer in time.")
