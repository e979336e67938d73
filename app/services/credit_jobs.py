"""The full credit check, run in the background after its transition commits."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from app.integrations.models import CreditApplicant
from app.services.credit import CreditService
from app.telemetry.logs import bind

log = logging.getLogger("trex.credit")
Resume = Callable[[str, dict[str, Any]], Awaitable[bool]]


class CreditJobs:
    def __init__(self, credit: CreditService, resume: Resume) -> None:
        self._credit = credit
        self._resume = resume

    async def run_check(self, session_id: str, applicant: CreditApplicant, key: str) -> None:
        """Ask the bureau (`key`: this try's idempotency key), then move the waiting session
        on with the outcome."""
        bind(session_id=session_id)
        outcome = await self._credit.check(applicant, key=key)
        log.info("credit check for session %s: %s", session_id, outcome.status)
        result = {"credit": {k: v for k, v in asdict(outcome).items() if v is not None}}
        await self._resume(session_id, result)
