"""Caps on what one client may take: vehicles on hold at once, leads a day.

A client is each of the session, the client address and the contact (e-mail, phone) of a new
lead, compared as digests (`client_keys.py`). The caps are checked in the transaction that adds
the lead and takes the hold, after both: a refused lead rolls them back, so nothing is written,
and two submissions of one client at once cannot both slip under a cap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.services.records import ClientDigests, LeadRecord
from app.services.rejections import Rejection
from app.services.storage import SessionUnitOfWork
from app.settings import Settings

DAY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class LeadLimits:
    holds_per_client: int = 3
    leads_per_client_per_day: int = 5
    hold_hours: float = 48.0

    @classmethod
    def from_settings(cls, settings: Settings) -> LeadLimits:
        return cls(
            settings.holds_per_client, settings.leads_per_client_per_day, settings.hold_hours
        )

    def hold_until(self, now: datetime) -> datetime:
        return now + timedelta(hours=self.hold_hours)

    async def refusal(
        self, uow: SessionUnitOfWork, leads: Sequence[LeadRecord], held: bool, now: datetime
    ) -> Rejection | None:
        """Why these new leads (already added, their holds taken) exceed a cap, if they do."""
        counts = uow.client_counts
        for lead in leads:
            client = ClientDigests(
                lead.session_id, lead.address_hash, lead.email_hash, lead.phone_hash
            )
            await counts.lock(client.digests())
            if held and await counts.most_holds(client, now) > self.holds_per_client:
                return self._too_many_holds()
            if await counts.most_leads(client, now - DAY) > self.leads_per_client_per_day:
                return self._too_many_leads()
        return None

    def _too_many_holds(self) -> Rejection:
        return Rejection(
            "too_many_holds",
            "rejection.too_many_holds",
            {"limit": self.holds_per_client},
            moves=False,
        )

    def _too_many_leads(self) -> Rejection:
        return Rejection(
            "too_many_leads",
            "rejection.too_many_leads",
            {"limit": self.leads_per_client_per_day},
            moves=False,
        )
