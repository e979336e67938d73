"""The Credit Service: the bureau's answer within a deadline, or `unavailable`.

The bureau is reached through its HTTP client (`app.integrations`), behind a circuit breaker;
the bundled sandbox bureau decides deterministically per applicant (see the README). The SSN is
used for the check and dropped: never stored, logged or sent back.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from app.integrations.errors import Unavailable
from app.integrations.models import CreditApplicant, CreditDecision
from workflows.messages import text
from workflows.outcomes import CreditOutcome

# Why there is no decision, in the catalogue (the bureau's own reasons are its words).
UNAVAILABLE = "financing.credit.unavailable"

log = logging.getLogger("trex.credit")


class CreditBureau(Protocol):
    async def check(
        self, applicant: CreditApplicant, *, idempotency_key: str
    ) -> CreditDecision: ...


class CreditService:
    def __init__(self, bureau: CreditBureau, deadline_seconds: float) -> None:
        self._bureau = bureau
        self._deadline = deadline_seconds

    async def check(self, applicant: CreditApplicant, key: str) -> CreditOutcome:
        """The bureau's decision, or `unavailable` when it fails, its circuit is open, or it
        misses the deadline."""
        try:
            async with asyncio.timeout(self._deadline):  # wait_for may swallow a cancel (3.11)
                decision = await self._bureau.check(applicant, idempotency_key=key)
        except TimeoutError:
            log.warning("credit bureau missed the %.1fs deadline", self._deadline)
        except Unavailable as error:
            log.warning("credit bureau unavailable: %s", error)
        else:
            return CreditOutcome(decision.status, decision.amount, decision.apr, decision.reason)
        return CreditOutcome("unavailable", reason=text(UNAVAILABLE))
