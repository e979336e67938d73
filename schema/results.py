"""The answer of every workflow operation: a step, or an expected failure (never an error)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.steps import (
    CarInQuestionsStep,
    ChoiceStep,
    CompletionStep,
    ContactConfirmationStep,
    CreditCheckStep,
    CreditConsentStep,
    DealerInformationStep,
    DealerNetworkStep,
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


@strawberry.type
class FieldError:
    field: str
    message: str
    code: str


@strawberry.type(description="The input broke a rule; nothing changed. Every failing field.")
class ValidationFailed:
    errors: list[FieldError]
    step: Step


@strawberry.type(description="currentStep was not the session's current step (two tabs).")
class StaleStep:
    expected_step: str
    step: Step


@strawberry.type(description="No such session, or a wrong or missing token.")
class SessionNotFound:
    session_id: strawberry.ID


@strawberry.type(description="A business rule refused the transition; `step` is where to go.")
class TransitionRejected:
    reason: str
    code: str
    step: Step


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
    | ValidationFailed
    | StaleStep
    | SessionNotFound
    | TransitionRejected,
    strawberry.union("WorkflowResult"),
]


def result_of(outcome: Outcome) -> WorkflowResult:
    if isinstance(outcome, Moved):
        return step_of(outcome.view)  # type: ignore[return-value]
    if isinstance(outcome, Invalid):
        errors = [FieldError(field=e.field, message=e.message, code=e.code) for e in outcome.errors]
        return ValidationFailed(errors=errors, step=step_of(outcome.view))
    if isinstance(outcome, Stale):
        return StaleStep(expected_step=outcome.expected_step, step=step_of(outcome.view))
    if isinstance(outcome, Rejected):
        view = step_of(outcome.view)
        return TransitionRejected(reason=outcome.reason, code=outcome.code, step=view)
    assert isinstance(outcome, NotFound)
    return SessionNotFound(session_id=strawberry.ID(outcome.session_id))
