"""Inputs of the workflow mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from schema.common import WorkflowType


@strawberry.input(description="How to start a session.")
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
    invitation: str | None = strawberry.field(
        default=None,
        description="The token of a seller's invitation (from the link the buyer received), "
        "with workflowType BUYER_FINANCING; an unknown, used or expired one starts nothing.",
    )


@strawberry.input(description="The answers of the current step.")
class TransitionInput:
    session_id: strawberry.ID = strawberry.field(
        description="The session's id (from startWorkflow's `session.id`)."
    )
    current_step: str = strawberry.field(
        description="The step being answered (its stepId); another step gets StaleStep."
    )
    data: JSON = strawberry.field(
        description='The answers, by field name (e.g. {"intent": "buying"}).'
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="The same key twice returns the first answer, once."
    )


@strawberry.input(description="Which session goes back, from which step, and to which.")
class BackInput:
    session_id: strawberry.ID = strawberry.field(description="The session's id.")
    current_step: str = strawberry.field(
        description="The step being left (its stepId); another step gets StaleStep."
    )
    to_step: str | None = strawberry.field(
        default=None,
        description="An earlier step of the session's path to go back to (a summary's "
        '"Change" links), its answers prefilled; null: the previous step. A step not on the '
        "path before the current one is refused (TransitionRejected, not_on_path), and so is "
        "one across a submitted request or a pending step (cannot_go_back).",
    )
