"""The answer of every workflow operation: a step, or an expected failure (never an error)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from schema.steps import (
    CarInQuestionsStep,
    ChoiceStep,
    CompletionStep,
    ContactConfirmationStep,
    CreditCheckStep,
    CreditConsentStep,
    DealerInformationStep,
    DealerNetworkStep,
    FinancingIntroStep,
    FinancingInviteStep,
    FinancingResultStep,
    IntentSelectionStep,
    PendingStep,
    PrivateBuyerDetailsStep,
    Step,
    VehicleResultsStep,
    VehicleSearchStep,
    VehicleSelectionStep,
    step_of,
)
from workflows.outcomes import Invalid, Moved, NotFound, Outcome, Rejected, Stale
from workflows.rules import FieldError as DomainFieldError


@strawberry.type(
    description="One field that broke a rule: which, why (for people) and a stable code (for code)."
)
class FieldError:
    field: str = strawberry.field(description="The field's name, as in the step's `fields`.")
    message: str = strawberry.field(description="What is wrong, for the visitor (no value echoed).")
    code: str = strawberry.field(
        description="A stable code for the rule broken (e.g. `required`, `min_length`); "
        "API.md lists them."
    )
    message_id: str | None = strawberry.field(
        default=None,
        description="The catalogue id of `message` (e.g. `error.required.email`), the same in "
        "every locale, for a client with its own copy; null for a refusal outside the "
        "catalogue. API.md lists them.",
    )
    params: JSON = strawberry.field(
        default_factory=dict,
        description="The rule's parameters `message` is filled with (a limit, the allowed "
        'values), e.g. `{"limit": 60}`; never the value given.',
    )

    @classmethod
    def of(cls, error: DomainFieldError) -> FieldError:
        return cls(
            field=error.field,
            message=error.message,
            code=error.code,
            message_id=error.message_id,
            params=as_json(dict(error.params)),
        )


@strawberry.type(description="The input broke a rule; nothing changed. Every failing field.")
class ValidationFailed:
    errors: list[FieldError] = strawberry.field(
        description="Every failing field, each with its code."
    )
    step: Step = strawberry.field(description="The same step again, to correct the answers.")


@strawberry.type(description="currentStep was not the session's current step (two tabs).")
class StaleStep:
    expected_step: str = strawberry.field(
        description="The session's current step: send currentStep as this."
    )
    step: Step = strawberry.field(description="The session's current step, to carry on from.")


@strawberry.type(description="No such session, or a wrong or missing token.")
class SessionNotFound:
    session_id: strawberry.ID = strawberry.field(description="The session id asked for.")


@strawberry.type(description="A business rule refused the transition; `step` is where to go.")
class TransitionRejected:
    reason: str = strawberry.field(
        description="Why it was refused, for the visitor, in the session's language."
    )
    code: str = strawberry.field(description="A stable code for the rule that refused it.")
    step: Step = strawberry.field(description="Where the session is now: the step to go on from.")
    message_id: str | None = strawberry.field(
        default=None,
        description="The catalogue id of `reason` (e.g. `rejection.vehicle_unavailable`), the "
        "same in every language, for a client with its own copy; null for a refusal outside "
        "the catalogue. API.md lists them.",
    )
    params: JSON = strawberry.field(
        default_factory=dict,
        description='What `reason` is filled with, e.g. `{"limit": 3}` (a cap); often empty.',
    )


WorkflowResult = Annotated[
    IntentSelectionStep
    | ChoiceStep
    | VehicleSearchStep
    | VehicleResultsStep
    | CarInQuestionsStep
    | VehicleSelectionStep
    | ContactConfirmationStep
    | PrivateBuyerDetailsStep
    | DealerInformationStep
    | DealerNetworkStep
    | CreditCheckStep
    | CreditConsentStep
    | PendingStep
    | CompletionStep
    | FinancingInviteStep
    | FinancingIntroStep
    | FinancingResultStep
    | ValidationFailed
    | StaleStep
    | SessionNotFound
    | TransitionRejected,
    strawberry.union(
        "WorkflowResult",
        description="What startWorkflow, transition, back and session answer: the step the "
        "session is on (a `Step`), or an expected failure (ValidationFailed, "
        "StaleStep, SessionNotFound, TransitionRejected); never a GraphQL error "
        "for these.",
    ),
]


def result_of(outcome: Outcome) -> WorkflowResult:
    if isinstance(outcome, Moved):
        return step_of(outcome.view)  # type: ignore[return-value]
    if isinstance(outcome, Invalid):
        errors = [FieldError.of(e) for e in outcome.errors]
        return ValidationFailed(errors=errors, step=step_of(outcome.view))
    if isinstance(outcome, Stale):
        return StaleStep(expected_step=outcome.expected_step, step=step_of(outcome.view))
    if isinstance(outcome, Rejected):
        view = step_of(outcome.view)
        return TransitionRejected(
            reason=outcome.reason,
            code=outcome.code,
            step=view,
            message_id=outcome.message_id,
            params=as_json(dict(outcome.params)),
        )
    assert isinstance(outcome, NotFound)
    return SessionNotFound(session_id=strawberry.ID(outcome.session_id))
