"""session, workflowDefinition, lead and funnel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.webhooks import WebhookQueries
from schema.context import Info
from schema.definition import WorkflowDefinitionInfo
from schema.errors import limited
from schema.funnel import Funnel
from schema.leads import Lead
from schema.results import WorkflowResult, result_of


@strawberry.type(
    description="What can be read: a session's step, a flow's definition, your leads, funnel "
    "and webhooks."
)
class Query(WebhookQueries):
    @strawberry.field(description="The session's current step (resume after a reload).")
    async def session(
        self,
        info: Info,
        session_id: Annotated[strawberry.ID, strawberry.argument(description="The session's id.")],
    ) -> WorkflowResult:
        context = info.context
        outcome = await limited(
            context.service.current(str(session_id), context.token, context.caller)
        )
        return result_of(outcome)

    @strawberry.field(
        description="Steps, edges, version and Mermaid diagram of a version of a workflow "
        "(its current version unless `version` is given); null if it is not defined."
    )
    def workflow_definition(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The flow's name (e.g. `trex`).")],
        version: Annotated[
            int | None, strawberry.argument(description="A version; its current one when left out.")
        ] = None,
    ) -> WorkflowDefinitionInfo | None:
        found = info.context.service.definition(name, version)
        return None if found is None else WorkflowDefinitionInfo.of(found)

    @strawberry.field(description="One of your leads (Authorization: Bearer sk_…); else null.")
    async def lead(
        self,
        info: Info,
        lead_id: Annotated[strawberry.ID, strawberry.argument(description="The lead's id.")],
    ) -> Lead | None:
        found = await info.context.leads.lead(str(lead_id), info.context.token)
        return None if found is None else Lead.of(found)

    @strawberry.field(
        description="Your sessions' funnel over the days [from, to) touches, UTC "
        "(Authorization: Bearer sk_…); else null."
    )
    async def funnel(
        self,
        info: Info,
        since: Annotated[
            datetime,
            strawberry.argument(name="from", description="The first moment counted (UTC)."),
        ],
        until: Annotated[
            datetime,
            strawberry.argument(name="to", description="The first moment no longer counted (UTC)."),
        ],
        workflow: Annotated[
            str | None, strawberry.argument(description="Only this flow; every flow when left out.")
        ] = None,
    ) -> Funnel | None:
        found = await info.context.funnel.for_site(info.context.token, since, until, workflow)
        return None if found is None else Funnel.of(found)
