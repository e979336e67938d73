"""What subscriptions push: numbered session events and lead status changes."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from schema.steps import Step, step_of
from workflows.outcomes import LeadStatusEvent as LeadStatusData
from workflows.outcomes import SessionUpdate as SessionUpdateData


@strawberry.type(description="A lead's status change.")
class LeadStatusEvent:
    lead_id: strawberry.ID = strawberry.field(description="The lead's id.")
    lead_reference: str = strawberry.field(description="The reference the visitor was shown.")
    status: str = strawberry.field(
        description="RECEIVED, SUBMITTED, SCORED, DEALER_ASSIGNED, CONTACTED, COMPLETED or "
        "REJECTED."
    )
    seq: int = strawberry.field(description="Its number among the lead's events.")
    at: datetime = strawberry.field(description="When it happened.")
    detail: JSON = strawberry.field(
        description="What the status change carries, an open map: for the host site all of it "
        "(a score, CRM ids, dealer ids); for the visitor's session only what they are shown "
        "(the dealers' names and towns, the channel and a masked address, by when)."
    )
    message: str | None = strawberry.field(
        description="The change in the visitor's words (e.g. who has the request, by when); "
        "null when there is nothing to tell them (a score)."
    )

    @staticmethod
    def of(event: LeadStatusData) -> LeadStatusEvent:
        return LeadStatusEvent(
            lead_id=strawberry.ID(event.lead_id),
            lead_reference=event.lead_reference,
            status=event.status,
            seq=event.seq,
            at=event.at,
            detail=as_json(event.detail),
            message=event.message,
        )


@strawberry.type(description="One numbered event of a session: a new step, or a lead's progress.")
class SessionUpdate:
    seq: int = strawberry.field(
        description="Its number in the session; resubscribe with afterSeq: seq to miss nothing."
    )
    type: str = strawberry.field(description="STEP_CHANGED | LEAD_STATUS")
    at: datetime = strawberry.field(description="When it happened.")
    step: Step | None = strawberry.field(
        description="The session's current step, on the latest STEP_CHANGED event."
    )
    lead: LeadStatusEvent | None = strawberry.field(
        description="The lead's new status, with LEAD_STATUS; else null."
    )

    @staticmethod
    def of(update: SessionUpdateData) -> SessionUpdate:
        return SessionUpdate(
            seq=update.seq,
            type=update.type,
            at=update.at,
            step=None if update.view is None else step_of(update.view),
            lead=None if update.lead is None else LeadStatusEvent.of(update.lead),
        )
