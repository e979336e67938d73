"""Inputs of the workflow mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from schema.common import WorkflowType


@strawberry.input
class StartWorkflowInput:
    workflow_type: WorkflowType | None = strawberry.field(
        default=None, description="BUYING or SELLING skips the intent question; null asks it."
    )
    context: JSON | None = strawberry.field(
        default=None,
        description="Host page context (page, campaign), kept with the session; its "
        "`visitorId` (a string, at most 100 characters) keeps a visitor in one variant of "
        "the site's split (else the client's address does).",
    )


@strawberry.input
class TransitionInput:
    session_id: strawberry.ID
    current_step: str
    data: JSON
    idempotency_key: str | None = strawberry.field(
        default=None, description="The same key twice returns the first answer, once."
    )


@strawberry.input
class BackInput:
    session_id: strawberry.ID
    current_step: str
