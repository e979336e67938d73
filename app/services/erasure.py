"""Erasing a customer's personal data: on a host site's request (its secret key, or the CLI),
and for leads past their retention.

One customer's data is everywhere T-Rex keeps it: the sessions' answers and context, their
history, events and idempotency snapshots, the leads' contact and details, and the outbox's
payloads. Erasure scrubs all of it in one transaction and records that it happened (a digest of
the subject, never the subject). What stays: each lead's id, reference, kind, status and
outcomes (score, dealers), so a host site's reports still add up.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import datetime

from app.services.records import LeadCopy
from app.services.snapshots import PERSONAL_CONTEXT
from app.services.storage import PersonalDataStore, Storage
from workflows.erasure import ErasureCounts, ErasureRequest
from workflows.model import Workflow
from workflows.personal import personal_names

log = logging.getLogger("trex.erasure")
# A lead's details that are about the person: the credit decision of a selling lead.
LEAD_PERSONAL_DETAILS = ("financing",)
MAX_SESSIONS = 1000  # one customer: far more than anyone has; bounds one request's work


def subject_digest(site_id: str, request: ErasureRequest) -> str:
    """Which request this was, comparable with a later one, without keeping whom it named."""
    subject = f"{site_id}|{(request.email or '').lower()}|{request.phone or ''}|{request.lead_id}"
    return hashlib.sha256(f"trex:erasure:{subject}".encode()).hexdigest()


class Eraser:
    def __init__(
        self, storage: Storage, flows: Iterable[Workflow], clock: Callable[[], datetime]
    ) -> None:
        """`flows`: every version a stored session may run on (their personal fields)."""
        self._storage = storage
        self._clock = clock
        names = frozenset(LEAD_PERSONAL_DETAILS).union(*(personal_names(w) for w in flows))
        self._names = names

    async def erase_customer(self, site_id: str, request: ErasureRequest, by: str) -> ErasureCounts:
        """Everything of the customer `request` names among `site_id`'s data; recorded."""
        now = self._clock()
        async with self._storage.write() as uow:
            data = uow.personal
            leads, session_ids = await self._subject(data, site_id, request)
            counts = await self.erase(data, session_ids, leads, now)
            digest = subject_digest(site_id, request)
            await data.record_erasure(str(uuid.uuid4()), site_id, digest, asdict(counts), now, by)
        log.info(
            "erased the data of a customer of site %s: %d sessions, %d leads (by %s)",
            site_id,
            counts.sessions,
            counts.leads,
            by,
        )
        return counts

    async def _subject(
        self, data: PersonalDataStore, site_id: str, request: ErasureRequest
    ) -> tuple[list[LeadCopy], list[str]]:
        """The customer's leads and sessions: those naming the contact, the lead asked for, and
        every lead and session linked to those (a seller's replacement purchase)."""
        leads: list[LeadCopy] = []
        if request.lead_id:
            leads += await data.leads_of_site(site_id, lead_id=request.lead_id)
        contacts = request.contacts
        if contacts:
            found = await data.leads_of_site(site_id, contacts=contacts)
            leads += [lead for lead in found if _names_contact(lead.contact, contacts)]
            sessions = await data.sessions_of_site(site_id, contacts, MAX_SESSIONS)
            session_ids = [s.id for s in sessions if _names_contact(s.answers, contacts)]
        else:
            session_ids = []
        session_ids = sorted({*session_ids, *(lead.session_id for lead in leads)})
        linked = await data.leads_of_sessions(session_ids) if session_ids else []
        by_id = {lead.id: lead for lead in [*leads, *linked] if lead.host_site_id == site_id}
        return sorted(by_id.values(), key=lambda lead: lead.id), session_ids

    async def erase(
        self,
        data: PersonalDataStore,
        session_ids: Sequence[str],
        leads: Sequence[LeadCopy],
        now: datetime,
    ) -> ErasureCounts:
        """Scrub these sessions and leads in the caller's transaction."""
        totals = {"sessions": 0, "history": 0, "events": 0, "idempotency": 0}
        for session_id in session_ids:
            for name, count in (
                await data.scrub_session(session_id, self._names, PERSONAL_CONTEXT)
            ).items():
                totals[name] += count
        for lead in leads:
            await data.scrub_lead(lead.id, self._names, now)
        outbox = await data.scrub_outbox([lead.id for lead in leads], self._names, now)
        return ErasureCounts(leads=len(leads), outbox=outbox, **totals)


def _names_contact(values: object, contacts: Sequence[str]) -> bool:
    """Whether `values` (a contact, or a session's answers by step) holds one of `contacts` as
    a whole value (the text match that found it may have been a part of another)."""
    wanted = {contact.lower() for contact in contacts}
    if isinstance(values, dict):
        return any(_names_contact(value, contacts) for value in values.values())
    return isinstance(values, str) and values.lower() in wanted
