"""What a host site's server may read: its own leads, and their status as it changes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import Any

from app.bus.event_bus import EventBus, lead_channel, site_channel
from app.security import is_id
from app.services.erasure import Eraser
from app.services.host_sites import HostSites
from app.services.records import LeadRecord, StoredEvent
from app.services.session_events import LEAD_STATUS, interruptible
from app.services.storage import Storage
from workflows.erasure import (
    Erased,
    ErasureOutcome,
    InvalidErasure,
    NothingToErase,
    checked_request,
)
from workflows.outcomes import LeadSession, LeadStatusEvent, LeadView, UnknownLead
from workflows.webhooks import WebhookPort


def lead_status_event(event: StoredEvent, *, for_visitor: bool = False) -> LeadStatusEvent:
    """The event as the host site sees it, or (`for_visitor`) as the visitor does: in their
    words, without the score or internal ids."""
    payload = event.payload
    visitor = payload.get("visitor") or {}
    message = visitor.get("text")
    shown = {k: v for k, v in visitor.items() if k != "text"} if for_visitor else None
    return LeadStatusEvent(
        lead_id=str(payload["lead_id"]),
        lead_reference=str(payload["reference"]),
        status=str(payload["status"]),
        seq=event.seq,
        at=event.at,
        detail=shown if shown is not None else payload.get("detail") or {},
        message=str(message) if message else None,
    )


class LeadQueries:
    def __init__(
        self,
        storage: Storage,
        sites: HostSites,
        bus: EventBus,
        eraser: Eraser,
        today: Callable[[], date],
        webhooks: WebhookPort,
    ) -> None:
        """`webhooks`: the site's webhooks, by the same secret key (app/services/webhooks.py)."""
        self._storage = storage
        self.webhooks = webhooks
        self._sites = sites
        self._bus = bus
        self._eraser = eraser
        self._today = today

    async def lead(self, lead_id: str, secret_key: str | None) -> LeadView | None:
        lead = await self._own_lead(lead_id, secret_key)
        if lead is None:
            return None
        async with self._storage.read() as uow:
            events = await uow.events.after(lead.session_id, 0)
            record = await uow.sessions.get(lead.session_id)
        history = [
            lead_status_event(e)
            for e in events
            if e.type == LEAD_STATUS and e.payload.get("lead_id") == lead.id
        ]
        session = None
        if record is not None:
            session = LeadSession(record.workflow, record.definition_version, record.variant)
        return _lead_view(lead, tuple(history), session)

    async def updates(
        self, lead_id: str | None, secret_key: str | None
    ) -> AsyncIterator[LeadStatusEvent]:
        """Live status changes of one lead, or of all the site's leads when `lead_id` is None."""
        site = await self._sites.by_secret_key(secret_key)
        if site is None:
            raise UnknownLead(lead_id or "")
        if lead_id is not None and await self._own_lead(lead_id, secret_key) is None:
            raise UnknownLead(lead_id)
        channel = lead_channel(lead_id) if lead_id else site_channel(site.id)
        async with self._bus.subscribe(channel) as live:
            async for message in interruptible(live):
                payload = message["payload"]
                if isinstance(payload, dict) and payload.get("site") == site.id:
                    yield lead_status_event(_stored(message, payload))

    async def erase_customer_data(
        self,
        secret_key: str | None,
        email: str | None,
        phone: str | None,
        lead_id: str | None,
    ) -> ErasureOutcome:
        """The customer's data among the site's, erased; a wrong key reads as nothing found."""
        request, errors = checked_request(email, phone, lead_id, self._today())
        if request is None:
            return InvalidErasure(tuple(errors))
        site = await self._sites.by_secret_key(secret_key)
        if site is None:
            return NothingToErase()
        counts = await self._eraser.erase_customer(site.id, request, by="api")
        return Erased(counts) if counts.sessions or counts.leads else NothingToErase()

    async def _own_lead(self, lead_id: str, secret_key: str | None) -> LeadRecord | None:
        site = await self._sites.by_secret_key(secret_key)
        if site is None or not is_id(lead_id):
            return None
        async with self._storage.read() as uow:
            lead = await uow.leads.get(lead_id)
        return lead if lead is not None and lead.host_site_id == site.id else None


def _stored(message: dict[str, Any], payload: dict[str, Any]) -> StoredEvent:
    at = datetime.fromisoformat(str(message["at"]))
    return StoredEvent("", int(message["seq"]), str(message["type"]), payload, at)


def _lead_view(
    lead: LeadRecord, history: tuple[LeadStatusEvent, ...], session: LeadSession | None
) -> LeadView:
    scored = lead.outcomes.get("scored") or {}
    factors = tuple((str(f["factor"]), int(f["points"])) for f in scored.get("factors", []))
    routed = lead.outcomes.get("routed") or {}
    return LeadView(
        id=lead.id,
        reference=lead.reference,
        kind=lead.kind,
        status=lead.status,
        created_at=lead.created_at,
        score=scored.get("score"),
        score_factors=factors,
        dealer_ids=tuple(routed.get("dealers", ())),
        outcomes=lead.outcomes,
        history=history,
        session=session,
        consents=tuple(c for c in lead.details.get("consents", ()) if isinstance(c, dict)),
    )
