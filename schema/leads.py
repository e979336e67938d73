"""A lead as its host site sees it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

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


@strawberry.type(description="A consent as given: the text shown, its version, when and how.")
class ConsentRecord:
    step: str = strawberry.field(description="The step it was given on.")
    field: str = strawberry.field(description="The field that asked it.")
    value: JSON = strawberry.field(description="The answer (true, or the option chosen).")
    text_id: str = strawberry.field(description="The consent text's id.")
    version: str = strawberry.field(description="The text's version.")
    text_hash: str = strawberry.field(
        description="The SHA-256 of the text as rendered to the visitor, in hex."
    )
    locale: str = strawberry.field(description="The locale it was shown in (e.g. en-US).")
    at: datetime = strawberry.field(description="When it was given.")

    @staticmethod
    def of(record: Mapping[str, Any]) -> ConsentRecord:
        return ConsentRecord(
            step=str(record.get("step")),
            field=str(record.get("field")),
            value=as_json(record.get("value")),
            text_id=str(record.get("text_id")),
            version=str(record.get("version")),
            text_hash=str(record.get("text_hash")),
            locale=str(record.get("locale")),
            at=datetime.fromisoformat(str(record.get("at"))),
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
    consents: list[ConsentRecord] = strawberry.field(
        description="The consents the visitor gave for it, each with the exact text shown."
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
            consents=[ConsentRecord.of(c) for c in view.consents],
            session=None
            if view.session is None
            else LeadSession(
                workflow=view.session.workflow,
                version=view.session.version,
                variant=view.session.variant,
            ),
        )
