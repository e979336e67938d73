"""What subscriptions push: numbered session events and lead status changes."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from schema.steps import Step, step_of
from workflows.outcomes import LeadStatusEvent as LeadStatusData
from workflows.outcomes import SessionUpdate as SessionUpdateData


@strawberry.type
class LeadStatusEvent:
    lead_id: strawberry.ID
    lead_reference: str
    status: str
    seq: int
    at: datetime
    detail: JSON

    @staticmethod
    def of(event: LeadStatusData) -> LeadStatusEvent:
        return LeadStatusEvent(
            lead_id=strawberry.ID(event.lead_id),
            lead_reference=event.lead_reference,
            status=event.status,
            seq=event.seq,
            at=event.at,
            detail=as_json(event.detail),
        )


@strawberry.type
class SessionUpdate:
    seq: int
    type: str = strawberry.field(description="STEP_CHANGED | LEAD_STATUS")
    at: datetime
    step: Step | None = strawberry.field(
        description="The session's current step, on the latest STEP_CHANGED event."
    )
    lead: LeadStatusEvent | None

    @staticmethod
    def of(update: SessionUpdateData) -> SessionUpdate:
        return SessionUpdate(
            seq=update.seq,
            type=update.type,
            at=update.at,
            step=None if update.view is None else step_of(update.view),
            lead=None if update.lead is None else LeadStatusEvent.of(update.lead),
        )
