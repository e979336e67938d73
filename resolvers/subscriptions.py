"""sessionUpdates: replay after `afterSeq`, then live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from resolvers.execution.schema import shared_events
from schema.context import Info
from schema.errors import PublicError, RateLimitedError
from schema.updates import LeadStatusEvent, SessionUpdate
from workflows.outcomes import RateLimited, UnknownLead, UnknownSession, UpdatesInterrupted

INTERRUPTED = "Live updates interrupted; subscribe again with afterSeq."


@strawberry.type(
    description="Live updates over graphql-transport-ws (token in connection_init's payload)."
)
class Subscription:
    @strawberry.subscription(
        description="The session's numbered events; replays those after afterSeq, then live."
    )
    async def session_updates(
        self,
        info: Info,
        session_id: Annotated[strawberry.ID, strawberry.argument(description="The session's id.")],
        after_seq: Annotated[
            int | None,
            strawberry.argument(
                description="Replay the events after this number first (0: all of them)."
            ),
        ] = None,
    ) -> AsyncGenerator[SessionUpdate, None]:
        context = info.context
        updates = context.service.updates(str(session_id), context.token, after_seq, context.caller)
        # Subscribers of a session share each update, and so its conversion and its execution.
        shared = shared_events(info)
        try:
            async for update in updates:
                yield shared.converted(update, SessionUpdate.of)
        except UnknownSession:
            raise PublicError(f"Session {session_id} not found.") from None
        except RateLimited as refused:
            raise RateLimitedError(refused) from None
        except UpdatesInterrupted:
            raise PublicError(INTERRUPTED) from None

    @strawberry.subscription(
        description="Status changes of your leads (secret key in connection_init): one lead, "
        "or all of your site's leads when leadId is left out."
    )
    async def lead_status(
        self,
        info: Info,
        lead_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="One lead; all of your site's leads when left out."),
        ] = None,
    ) -> AsyncGenerator[LeadStatusEvent, None]:
        wanted = None if lead_id is None else str(lead_id)
        try:
            async for event in info.context.leads.updates(wanted, info.context.token):
                yield LeadStatusEvent.of(event)
        except UnknownLead:
            raise PublicError("Lead not found.") from None
        except UpdatesInterrupted:
            raise PublicError(INTERRUPTED) from None
