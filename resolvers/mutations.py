"""startWorkflow, transition, back, eraseCustomerData: input → service call → union member."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.resume import ResumeMutations
from resolvers.webhooks import WebhookMutations
from schema.context import Info
from schema.erasure import EraseCustomerDataInput, EraseCustomerDataResult, erasure_result
from schema.errors import limited, start_refused
from schema.inputs import BackInput, StartWorkflowInput, TransitionInput
from schema.results import WorkflowResult, result_of
from workflows.commands import Back, StartWorkflow, Transition
from workflows.outcomes import InvalidStart


@strawberry.type(
    description="What a session and a site can do: start, answer, go back, erase, manage webhooks."
)
class Mutation(ResumeMutations, WebhookMutations):
    @strawberry.mutation(description="Start a session; the answer carries its token, once.")
    async def start_workflow(
        self,
        info: Info,
        input: Annotated[StartWorkflowInput, strawberry.argument(description="How to start.")],
    ) -> WorkflowResult:
        kind = None if input.workflow_type is None else input.workflow_type.value
        command = StartWorkflow(
            kind,  # type: ignore[arg-type]
            input.context,  # type: ignore[arg-type]
            info.context.caller,
            input.invitation,
        )
        try:
            outcome = await limited(info.context.service.start(command))
        except InvalidStart as error:
            raise start_refused(error) from None
        return result_of(outcome)

    @strawberry.mutation(description="Submit the current step's answers.")
    async def transition(
        self,
        info: Info,
        input: Annotated[
            TransitionInput,
            strawberry.argument(description="The session, its current step and the answers."),
        ],
    ) -> WorkflowResult:
        context = info.context
        command = Transition(
            str(input.session_id),
            context.token,
            input.current_step,
            input.data,
            input.idempotency_key,
            context.caller,
        )
        return result_of(await limited(context.service.transition(command)))

    @strawberry.mutation(
        description="Return to the previous step, or to an earlier one of the path (toStep), "
        "with its answers."
    )
    async def back(
        self,
        info: Info,
        input: Annotated[
            BackInput,
            strawberry.argument(
                description="The session, the step it leaves and the one it goes back to."
            ),
        ],
    ) -> WorkflowResult:
        context = info.context
        command = Back(
            str(input.session_id),
            context.token,
            input.current_step,
            context.caller,
            input.to_step,
        )
        return result_of(await limited(context.service.back(command)))

    @strawberry.mutation(
        description="Erase a customer's personal data (Authorization: Bearer sk_…); your "
        "site's data only."
    )
    async def erase_customer_data(
        self,
        info: Info,
        input: Annotated[EraseCustomerDataInput, strawberry.argument(description="Whose data.")],
    ) -> EraseCustomerDataResult:
        lead_id = None if input.lead_id is None else str(input.lead_id)
        outcome = await info.context.leads.erase_customer_data(
            info.context.token, input.email, input.phone, lead_id
        )
        return erasure_result(outcome)
