"""A lead as its host site sees it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from schema.updates import LeadStatusEvent
from workflows.outcomes import LeadView


@strawberry.type
class ScoreFactor:
    factor: str
    points: int


@strawberry.type(description="What the lead's session ran.")
class LeadSession:
    workflow: str
    version: int
    variant: str = strawberry.field(
        description="Your site's variant the session started in (`default` without variants)."
    )


@strawberry.type
class Lead:
    id: strawberry.ID
    reference: str
    kind: str
    status: str = strawberry.field(description="RECEIVED, SUBMITTED, COMPLETED or REJECTED")
    created_at: datetime
    score: int | None
    score_factors: list[ScoreFactor]
    dealer_ids: list[strawberry.ID]
    outcomes: JSON
    history: list[LeadStatusEvent]
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
