"""The lead pipeline: the submission saga, then scoring, routing and contact, durably.

Each handler takes one outbox item. It calls the outside world first (every call idempotent,
keyed by the lead), then records the outcome, the lead's status event and any follow-up work in
one transaction, together with the mark that it has processed this item. A second delivery of
the same item finds its outcome recorded and does nothing.

    lead.created ──register with the CRM──▶ SUBMITTED ─┬─▶ lead.score   ─▶ SCORED
                  (refused: release the hold,           ├─▶ lead.route   ─▶ DEALER_ASSIGNED
                   REJECTED)                            │   (a dealer refuses: release, REJECTED)
                                                        └─▶ lead.contact ─▶ CONTACTED
                                          all three ─▶ COMPLETED (and the session, at its end)

The customer confirmation goes to an address once a day, however many leads name it; the
others record that it was skipped (CONTACTED all the same).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from app.integrations.clients import Clients
from app.integrations.errors import Rejected, Unavailable
from app.integrations.models import CreditApplicant
from app.pipeline.messages import customer_channel, lead_summary
from app.pipeline.relay import Handler, RetryLater
from app.pipeline.routing import route
from app.pipeline.scoring import score_lead
from app.pipeline.visitor_words import visitor_view
from app.services.client_keys import recipient_key
from app.services.completion import COMPLETED, complete_session_if_done
from app.services.inventory import InventoryService
from app.services.records import LeadRecord, OutboxItem
from app.services.session_events import LEAD_STATUS, SessionEvents, write_event
from app.services.storage import SessionStorage, SessionUnitOfWork
from app.services.webhooks import enqueue_lead_status
from app.telemetry.metrics import Metrics
from vehicles.geo import distance_miles

log = logging.getLogger("trex.pipeline")
STEPS = {"scored": "SCORED", "routed": "DEALER_ASSIGNED", "contacted": "CONTACTED"}
FOLLOW_UPS = ("lead.score", "lead.route", "lead.contact")
DAY = timedelta(hours=24)


class LeadPipeline:
    def __init__(
        self,
        storage: SessionStorage,
        clients: Clients,
        inventory: InventoryService,
        events: SessionEvents,
        clock: Callable[[], datetime],
        metrics: Metrics | None = None,
    ) -> None:
        """`metrics` None: a registry of its own, which nobody reads."""
        self._storage = storage
        self._clients = clients
        self._inventory = inventory
        self._events = events
        self._clock = clock
        self._metrics = metrics or Metrics()

    def handlers(self) -> dict[str, Handler]:
        return {
            "lead.created": self.register,
            "lead.score": self.score,
            "lead.route": self.route,
            "lead.contact": self.contact,
            "lead.soft_credit": self.soft_credit,
        }

    async def register(self, item: OutboxItem) -> None:
        """The saga's remote step: register with the lead CRM, then mark the lead submitted."""
        lead = await self._lead(item)
        if lead is None or lead.status != "RECEIVED":
            return
        payload = {"contact": lead.contact, "details": lead.details, "site": lead.host_site_id}
        try:
            receipt = await self._clients.lead_crm.register(
                lead.id, lead.reference, lead.kind, payload
            )
        except Rejected as refused:
            await self._compensate(item, lead, refused, handler="register", by="lead CRM")
            return
        except Unavailable as error:
            raise RetryLater(str(error)) from error
        async with self._storage.write() as uow:
            row = await self._claim(uow, item, "register")
            if row is None or row.status != "RECEIVED":
                return
            await self._save(uow, replace(row, status="SUBMITTED", crm_id=receipt.crm_id))
            await self.status_event(uow, row, "SUBMITTED", {"crm_id": receipt.crm_id})
            for topic in FOLLOW_UPS:
                await uow.outbox.add(topic, {"lead_id": row.id}, self._clock())
        self._events.committed()

    async def _compensate(
        self,
        item: OutboxItem,
        lead: LeadRecord,
        refused: Rejected,
        *,
        handler: str,
        by: str,
        capacity: Sequence[str] = (),
    ) -> None:
        """A business refusal (the CRM's, a dealer's): the lead is REJECTED, its vehicle hold
        released at once and any dealer capacity it reserved given back."""
        async with self._storage.write() as uow:
            row = await self._claim(uow, item, handler)
            if row is None or row.status in ("REJECTED", COMPLETED):
                return
            await uow.leads.release_hold(row.id)
            await uow.leads.give_back_capacity(capacity)
            detail = {"code": refused.code, "reason": refused.reason, "by": by}
            outcomes = {**row.outcomes, "rejected": detail}
            await self._save(uow, replace(row, status="REJECTED", outcomes=outcomes))
            await self.status_event(uow, row, "REJECTED", detail)
        log.warning(
            "lead %s refused by the %s (%s): hold released", lead.reference, by, refused.code
        )
        self._inventory.availability_changed()
        self._events.committed()

    async def score(self, item: OutboxItem) -> None:
        lead = await self._lead(item)
        if lead is None or "scored" in lead.outcomes:
            return
        vehicle = self._inventory.vehicle(lead.vehicle_id or "")
        dealer = self._inventory.dealer(vehicle.dealer_id) if vehicle else None
        zip_code = lead.contact.get("zip")
        miles = distance_miles(zip_code, dealer.zip) if dealer and zip_code else None
        result = score_lead(lead.kind, lead.contact, lead.details, lead.outcomes, miles)
        await self._record(item, "scored", result.as_json())

    async def route(self, item: OutboxItem) -> None:
        """Reserve dealers (capacity) in one transaction, then assign them remotely, then record."""
        lead = await self._lead(item)
        if lead is None or "routed" in lead.outcomes:
            return
        dealer_ids = lead.outcomes.get("routing", {}).get("dealers")
        if dealer_ids is None:
            dealer_ids = await self._reserve_dealers(lead)
        for dealer_id in dealer_ids:
            try:
                await self._clients.dealer_network.assign(dealer_id, lead.id, lead_summary(lead))
                await self._notify_dealer(lead, dealer_id)
            except Rejected as refused:
                reserved = dealer_ids if lead.kind != "buying" else []
                await self._compensate(
                    item, lead, refused, handler="routed", by="dealer network", capacity=reserved
                )
                return
            except Unavailable as error:
                raise RetryLater(str(error)) from error
        await self._record(item, "routed", {"dealers": dealer_ids})

    async def _reserve_dealers(self, lead: LeadRecord) -> list[str]:
        async with self._storage.write() as uow:
            leads = uow.leads
            chosen = route(
                lead.kind,
                vehicle_dealer_id=lead.dealer_id if lead.kind == "buying" else None,
                named_dealer_id=lead.dealer_id,
                customer_zip=lead.contact.get("zip") or lead.details.get("zip"),
                dealers=self._inventory.dealers,
                capacity=await leads.capacities(),
                distance=distance_miles,
            )
            taken = [d for d in chosen if lead.kind == "buying" or await leads.take_capacity(d)]
            row = await leads.locked(lead.id)
            if row is not None:
                outcomes = {**row.outcomes, "routing": {"dealers": taken}}
                await self._save(uow, replace(row, outcomes=outcomes))
        return taken

    async def _notify_dealer(self, lead: LeadRecord, dealer_id: str) -> None:
        await self._clients.communications.send(
            "email",
            f"leads@{dealer_id}.dealers.example",
            "dealer_new_lead",
            {"reference": lead.reference, "kind": lead.kind, **lead_summary(lead)},
            idempotency_key=f"{lead.id}:dealer:{dealer_id}",
        )

    async def contact(self, item: OutboxItem) -> None:
        """The customer's confirmation, on the channel they prefer."""
        lead = await self._lead(item)
        if lead is None or "contacted" in lead.outcomes:
            return
        channel, to = customer_channel(lead.contact)
        if to is None:
            await self._record(item, "contacted", {"skipped": "no contact details"})
            return
        if not await self._first_confirmation_today(lead, channel, to):
            skipped = {"channel": channel, "skipped": "already confirmed to this address today"}
            await self._record(item, "contacted", skipped)
            return
        try:
            sent = await self._clients.communications.send(
                channel,
                to,
                "lead_confirmation",
                {"reference": lead.reference, "kind": lead.kind},
                idempotency_key=f"{lead.id}:customer",
            )
        except Unavailable as error:
            raise RetryLater(str(error)) from error
        await self._record(item, "contacted", {"channel": channel, "message_id": sent.message_id})

    async def _first_confirmation_today(self, lead: LeadRecord, channel: str, to: str) -> bool:
        """Whether this lead may send the customer confirmation to `to`: one per address in
        24 hours, however many leads name it (reserved before sending, so two leads at once
        cannot both send; a retried delivery keeps its own reservation)."""
        recipient = recipient_key(channel, to)
        if recipient is None:
            return True
        now = self._clock()
        async with self._storage.write() as uow:
            return await uow.client_counts.reserve_confirmation(lead.id, recipient, now, now - DAY)

    async def soft_credit(self, item: OutboxItem) -> None:
        """The dealer network's soft check (name and address, no SSN): its outcome joins the
        lead."""
        lead = await self._lead(item)
        if lead is None or "soft_credit_check" in lead.outcomes:
            return
        applicant = CreditApplicant(
            full_name=str(item.payload["full_name"]),
            zip=str(item.payload["zip"]),
            date_of_birth=None,
            annual_income=0,
            address_line="",
            ssn=None,
        )
        try:
            decision = await self._clients.credit_bureau.check(
                applicant, idempotency_key=f"{lead.id}:soft"
            )
        except Unavailable:
            outcome: dict[str, Any] = {"status": "unavailable"}
        else:
            outcome = {"status": decision.status, "reason": decision.reason}
        async with self._storage.write() as uow:
            row = await self._claim(uow, item, "soft_credit")
            if row is not None:
                outcomes = {**row.outcomes, "soft_credit_check": outcome}
                await self._save(uow, replace(row, outcomes=outcomes))

    async def _record(self, item: OutboxItem, outcome: str, detail: dict[str, Any]) -> None:
        """Record one post-submission outcome, its status event, and completion when all are in
        (the lead's, then the session's by the one rule of app/services/completion.py)."""
        async with self._storage.write() as uow:
            row = await self._claim(uow, item, outcome)
            if row is None or outcome in row.outcomes or row.status == "REJECTED":
                return
            lead = replace(row, outcomes={**row.outcomes, outcome: detail})
            await self.status_event(uow, lead, STEPS[outcome], detail)
            done = all(step in lead.outcomes for step in STEPS) and lead.status != COMPLETED
            if done:
                lead = replace(lead, status=COMPLETED)
            await self._save(uow, lead)
            if done:
                await self.status_event(uow, lead, COMPLETED, {})
                await complete_session_if_done(uow, lead.session_id, self._metrics)
        self._events.committed()

    async def _claim(
        self, uow: SessionUnitOfWork, item: OutboxItem, handler: str
    ) -> LeadRecord | None:
        """The lead, locked, unless this handler already processed this item."""
        if await uow.outbox.already_processed(handler, item.id):
            return None
        await uow.outbox.mark_processed(handler, item.id, self._clock())
        return await uow.leads.locked(str(item.payload["lead_id"]))

    async def _save(self, uow: SessionUnitOfWork, lead: LeadRecord) -> None:
        await uow.leads.update(lead, self._clock())

    async def status_event(
        self, uow: SessionUnitOfWork, lead: LeadRecord, status: str, detail: dict[str, Any]
    ) -> None:
        """The lead's progress, as an event of its session (LEAD_STATUS), and as a message to
        its site's webhooks."""
        now = self._clock()
        payload = {
            "lead_id": lead.id,
            "reference": lead.reference,
            "status": status,
            "detail": detail,
            "site": lead.host_site_id,
            "visitor": visitor_view(lead, status, detail, now, self._inventory.dealer),
        }
        if await write_event(uow, lead.session_id, LEAD_STATUS, payload, self._clock()):
            # The site's webhooks, in this same transaction (app/pipeline/webhooks.py).
            await enqueue_lead_status(uow, payload, self._clock())
            log.info("lead %s: %s", lead.reference, status)
            uow.after_commit(self._metrics.lead_statuses.labels(lead.kind, status).inc)

    async def _lead(self, item: OutboxItem) -> LeadRecord | None:
        async with self._storage.read() as uow:
            return await uow.leads.get(str(item.payload["lead_id"]))
