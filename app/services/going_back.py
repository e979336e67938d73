"""Back: return to the previous step with its answers, unless the step cannot be left
backwards (a request was submitted or is pending)."""

from __future__ import annotations

from app.services.replies import Replies
from app.services.session_loader import SessionLoader
from app.services.session_writes import Conflict, SessionWriter
from app.services.step_views import ViewBuilder
from app.services.versions import engine_of
from workflows.commands import Back
from workflows.outcomes import Moved, NotFound, Outcome
from workflows.registry import Registry

CANNOT_GO_BACK = "This step cannot be left backwards: a request was submitted or is pending."


class GoingBack:
    def __init__(
        self,
        flows: Registry,
        loader: SessionLoader,
        writer: SessionWriter,
        replies: Replies,
        views: ViewBuilder,
    ) -> None:
        self._flows = flows
        self._loader = loader
        self._writer = writer
        self._replies = replies
        self._views = views

    async def back(self, command: Back, *, cached: bool = True) -> Outcome:
        """From the cached copy first; an answer other than a move is checked in storage."""
        session_id, current_step = command.session_id, command.current_step
        record, recent = await self._loader.opened(
            session_id, command.token, cached, command.caller
        )
        if record is None:
            return NotFound(session_id)
        state = engine_of(self._flows, record).back(record.state)
        if recent and (record.state.current_step != current_step or state is None):
            return await self.back(command, cached=False)
        if record.state.current_step != current_step:
            return await self._replies.stale(record)
        if state is None:
            return await self._replies.rejected(record, "cannot_go_back", CANNOT_GO_BACK)
        try:
            saved = await self._writer.save_move(record, state, "back", {})
        except Conflict:
            self._loader.forget(session_id)
            if recent:
                return await self.back(command, cached=False)
            return await self._replies.after_conflict(session_id, None)
        return Moved(await self._views.build(saved))
