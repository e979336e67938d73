"""Back: return to the previous step, or to an earlier one of the path (`to_step`, a summary's
"Change" links), with its answers; refused as `workflows.navigation` says (not on the path
before the current step, from a step that forbids it, across a submitted request, a pending step
or an end). The history row "back" goes from the current step to the one returned to."""

from __future__ import annotations

from app.services.replies import Replies
from app.services.session_loader import SessionLoader
from app.services.session_writes import Conflict, SessionWriter
from app.services.step_views import ViewBuilder
from app.services.versions import engine_of
from workflows.commands import Back
from workflows.navigation import BackRefused
from workflows.outcomes import Moved, NotFound, Outcome
from workflows.registry import Registry


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
        state = engine_of(self._flows, record).going_back(record.state, command.to_step)
        refused = isinstance(state, BackRefused)
        if recent and (record.state.current_step != current_step or refused):
            return await self.back(command, cached=False)
        if record.state.current_step != current_step:
            return await self._replies.stale(record)
        if isinstance(state, BackRefused):
            return await self._replies.rejected(record, state.code, state.message_id)
        try:
            saved = await self._writer.save_move(record, state, "back", {})
        except Conflict:
            self._loader.forget(session_id)
            if recent:
                return await self.back(command, cached=False)
            return await self._replies.after_conflict(session_id, None)
        return Moved(await self._views.build(saved))
