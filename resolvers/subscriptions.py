"""sessionUpdates: replay after `afterSeq`, then live."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncGenerator

import strawberry

from schema.context import Info
from schema.errors import PublicError, RateLimitedError
from schema.updates import LeadStatusEvent, SessionUpdate
from workflows.outcomes import RateLimited, UnknownLead, UnknownSession, UpdatesInterrupted
from workflows.outcomes import SessionUpdate as SessionUpdateData

INTERRUPTED = "Live updates interrupted; subscribe again with afterSeq."
KEPT = 1024
_conversions: OrderedDict[int, tuple[SessionUpdateData, SessionUpdate]] = OrderedDict()


def _converted(update: SessionUpdateData) -> SessionUpdate:
    """One GraphQL object per service update: subscribers of a session share the update, so
    they share its conversion too (and so its execution, see resolvers.shared_events)."""
    known = _conversions.get(id(update))
    if known is not None and known[0] is update:
        return known[1]
    converted = SessionUpdate.of(update)
    _conversions[id(update)] = (update, converted)
    if len(_conversions) > KEPT:
        _conversions.popitem(last=False)
    return converted


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The session's numbered events; replays those after afterSeq, then live."
    )
    async def session_updates(
        self, info: Info, session_id: strawberry.ID, after_seq: int | None = None
    ) -> AsyncGenerator[SessionUpdate, None]:
        context = info.context
        updates = context.service.updates(str(session_id), context.token, after_seq, context.caller)
        try:
            async for update in updates:
                yield _converted(update)
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
        self, info: Info, lead_id: strawberry.ID | None = None
    ) -> AsyncGenerator[LeadStatusEvent, None]:
        wanted = None if lead_id is None else str(lead_id)
        try:
            async for event in info.context.leads.updates(wanted, info.context.token):
                yield LeadStatusEvent.of(event)
        except UnknownLead:
            raise PublicError("Lead not found.") from None
        except UpdatesInterrupted:
            raise PublicError(INTERRUPTED) from None
