"""A lead as its host site sees it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from schema.updates import LeadStatusEvent
from workflows.outcomes import LeadView


@strawberry.type(description="One part of a lead's score.")
class ScoreFactor:
    factor: str = strawberry.field(description="What counted.")
    points: int = strawberry.field(description="How much.")


@strawberry.type(description="What the lead's session ran.")
class LeadSession:
    workflow: str = strawberry.field(description="The flow's name.")
    version: int = strawberry.field(description="The flow's version.")
    variant: str = strawberry.field(
        description="Your site's variant the session started in (`default` without variants)."
    )


@strawberry.type(
    description="A lead of your site: what a confirmed session sent on, and how it went since."
)
class Lead:
    id: strawberry.ID = strawberry.field(description="The lead's id.")
    reference: str = strawberry.field(description="The reference the visitor was shown.")
    kind: str = strawberry.field(description="What it is about (e.g. buying, selling, trade_in).")
    status: str = strawberry.field(description="RECEIVED, SUBMITTED, COMPLETED or REJECTED")
    created_at: datetime = strawberry.field(description="When it was received.")
    score: int | None = strawberry.field(description="Its score once scored; else null.")
    score_factors: list[ScoreFactor] = strawberry.field(description="What made the score.")
    dealer_ids: list[strawberry.ID] = strawberry.field(description="The dealers it was routed to.")
    outcomes: JSON = strawberry.field(
        description="What each stage of the lead's pipeline recorded, an open map by stage "
        "(scored, routing, contacted, soft_credit_check, rejected...)."
    )
    history: list[LeadStatusEvent] = strawberry.field(
        description="Its status changes, oldest first."
    )
    session: LeadSession | None = strawberry.field(
        description="The workflow, version and variant of the session it came from."
    )

    @staticmethod
    def of(view: LeadView) -> Lead:
        return Lead(
            id=strawberry.ID(view.id),
            reference=view.reference,
            kind=view.kind,
            status=view.status,
            created_at=view.created_at,
            score=view.score,
            score_factors=[ScoreFactor(factor=f, points=p) for f, p in view.score_factors],
            dealer_ids=[strawberry.ID(d) for d in view.dealer_ids],
            outcomes=as_json(view.outcomes),
            history=[LeadStatusEvent.of(event) for event in view.history],
            session=None
            if view.session is None
            else LeadSession(
                workflow=view.session.workflow,
                version=view.session.version,
                variant=view.session.variant,
            ),
        )
