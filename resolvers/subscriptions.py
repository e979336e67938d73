"""sessionUpdates: replay after `afterSeq`, then live."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from schema.context import Info
from schema.errors import PublicError
from schema.updates import SessionUpdate
from workflows.views import UnknownSession


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The session's numbered events; replays those after afterSeq, then live."
    )
    async def session_updates(
        self, info: Info, session_id: strawberry.ID, after_seq: int | None = None
    ) -> AsyncGenerator[SessionUpdate, None]:
        updates = info.context.service.updates(str(session_id), info.context.token, after_seq)
        try:
            async for update in updates:
                yield SessionUpdate.of(update)
        except UnknownSession:
            raise PublicError(f"Session {session_id} not found.") from None
