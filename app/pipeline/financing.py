"""The buyer's own financing, in the background: the invitation sent to the buyer, and what
the seller's lead learns (started, then prequalified or not when the buyer shares it), each as
the lead's status (pushed to the seller's session and the site's webhooks).

    financing.invite ──send the link (email or SMS)──▶ invitation sent
    financing.status ──invitation's status; the lead's outcome──▶ FINANCING_STARTED, ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from app.integrations.clients import Clients
from app.integrations.errors import Rejected, Unavailable
from app.integrations.models import Channel
from app.pipeline.relay import Handler, RetryLater
from app.pipeline.saga import LeadPipeline
from app.security import hash_token
from app.services.invitations import invitation_link
from app.services.records import OutboxItem
from app.services.session_events import SessionEvents
from app.services.storage import SessionStorage

log = logging.getLogger("trex.financing")
ADDRESS_FIELD: dict[str, str] = {"email": "buyer_email", "sms": "buyer_phone"}


class FinancingPipeline:
    def __init__(
        self,
        storage: SessionStorage,
        clients: Clients,
        leads: LeadPipeline,
        events: SessionEvents,
        clock: Callable[[], datetime],
    ) -> None:
        self._storage = storage
        self._clients = clients
        self._leads = leads
        self._events = events
        self._clock = clock

    def handlers(self) -> dict[str, Handler]:
        return {"financing.invite": self.invite, "financing.status": self.status}

    async def invite(self, item: OutboxItem) -> None:
        """Send the buyer their link, once (the communications service dedupes by key)."""
        invitation_id, token = str(item.payload["invitation_id"]), str(item.payload["token"])
        async with self._storage.read() as uow:
            invitation = await uow.invitations.get(invitation_id)
            seller = await uow.sessions.get(invitation.seller_session_id) if invitation else None
        if invitation is None or seller is None or invitation.sent_at is not None:
            return
        step = str(invitation.detail.get("step"))
        to = seller.state.answers.get(step, {}).get(ADDRESS_FIELD.get(invitation.channel, ""))
        if not isinstance(to, str) or invitation.token_hash != hash_token(token):
            return  # erased meanwhile, or replaced by a newer invitation
        channel: Channel = "sms" if invitation.channel == "sms" else "email"
        data = {
            "link": invitation_link(invitation, token),
            "vehicle": invitation.detail.get("vehicle", {}),
            "agreed_price": invitation.detail.get("agreed_price"),
            "expires_at": invitation.expires_at.isoformat(),
        }
        try:
            await self._clients.communications.send(
                channel, to, "financing_invitation", data, idempotency_key=invitation.token_hash
            )
        except Rejected as refused:
            log.warning("invitation %s not sent: %s", invitation.id, refused.code)
            return
        except Unavailable as error:
            raise RetryLater(str(error)) from error
        async with self._storage.write() as uow:
            current = await uow.invitations.locked(invitation.id)
            if current is not None and current.token_hash == invitation.token_hash:
                await uow.invitations.put(replace(current, sent_at=self._clock()))
        log.info("invitation %s sent by %s", invitation.id, channel)

    async def status(self, item: OutboxItem) -> None:
        """The invitation's new status, and the seller's lead's, pushed as its status."""
        invitation_id, status = str(item.payload["invitation_id"]), str(item.payload["status"])
        async with self._storage.write() as uow:
            if await uow.outbox.already_processed("financing.status", item.id):
                return
            await uow.outbox.mark_processed("financing.status", item.id, self._clock())
            invitation = await uow.invitations.locked(invitation_id)
            if invitation is None:
                return
            await uow.invitations.put(replace(invitation, status=status))
            lead = await uow.leads.locked(invitation.lead_id) if invitation.lead_id else None
            if lead is None:
                return  # the seller has not sent their lead yet: it will read the status then
            outcomes = {**lead.outcomes, "financing": status}
            await uow.leads.update(replace(lead, outcomes=outcomes), self._clock())
            await self._leads.status_event(
                uow, lead, f"FINANCING_{status.upper()}", {"financing": status}
            )
        self._events.committed()
        log.info("invitation %s: %s", invitation_id, status)
