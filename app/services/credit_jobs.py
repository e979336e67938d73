"""The credit checks that run in the background after a transition commits."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from app.services.credit import Applicant, CreditService

log = logging.getLogger("trex.credit")
Resume = Callable[[str, dict[str, Any]], Awaitable[bool]]
JoinLead = Callable[[str, dict[str, Any]], Awaitable[None]]


class CreditJobs:
    def __init__(self, credit: CreditService, resume: Resume, join_lead: JoinLead) -> None:
        self._credit = credit
        self._resume = resume
        self._join_lead = join_lead

    async def run_check(self, session_id: str, applicant: Applicant) -> None:
        """Ask the bureau, then move the waiting session on with the outcome."""
        outcome = await self._credit.check(applicant)
        log.info("credit check for session %s: %s", session_id, outcome.status)
        result = {"credit": {k: v for k, v in asdict(outcome).items() if v is not None}}
        await self._resume(session_id, result)

    async def run_soft_check(self, lead_id: str, applicant: Applicant) -> None:
        outcome = await self._credit.check(applicant)
        log.info("soft credit check for lead %s: %s", lead_id, outcome.status)
        await self._join_lead(lead_id, {"soft_credit_check": asdict(outcome)})
