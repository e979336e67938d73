"""The answers that are not a move: stale, invalid, rejected, the replay of a first answer, and
what a request that lost a write conflict sees."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.services.consents import locale_of
from app.services.idempotency import Idempotency
from app.services.records import SessionRecord
from app.services.session_loader import SessionLoader
from app.services.snapshots import replayed_record
from app.services.step_views import ViewBuilder
from app.services.storage import SessionStorage
from app.services.versions import workflow_of
from workflows.messages import text
from workflows.outcomes import Invalid, Moved, NotFound, Outcome, Rejected, Stale, StepView
from workflows.registry import Registry
from workflows.rules import FieldError

REUSED_KEY = "rejection.idempotency_key_reused"


class Replies:
    def __init__(
        self, storage: SessionStorage, loader: SessionLoader, views: ViewBuilder, flows: Registry
    ) -> None:
        self._storage = storage
        self._loader = loader
        self._views = views
        self._flows = flows

    async def invalid(self, record: SessionRecord, errors: Sequence[FieldError]) -> Outcome:
        """The errors with their messages in the session's locale, and the step again."""
        locale = locale_of(record)
        shown = tuple(error.localized(locale) for error in errors)
        return Invalid(shown, await self._views.build(record))

    async def rejected(
        self,
        record: SessionRecord,
        code: str,
        message_id: str,
        params: Mapping[str, object] | None = None,
    ) -> Outcome:
        """Refused where the session stands, the reason in the session's locale."""
        return rejected_in(record, code, message_id, params, await self._views.build(record))

    async def stale(self, record: SessionRecord) -> Outcome:
        return Stale(record.state.current_step, await self._views.build(record))

    async def after_conflict(self, session_id: str, key: Idempotency | None) -> Outcome:
        """Another request moved the session first: its first answer if it was this one's
        (same key), else the session as it is now, stale."""
        self._loader.forget(session_id)
        record = await self._loader.stored(session_id)
        if record is None:
            return NotFound(session_id)
        if key is not None:
            replayed = await self.replay(record, key)
            if replayed is not None:
                return replayed
        return await self.stale(record)

    async def replay(self, record: SessionRecord, key: Idempotency) -> Outcome | None:
        """The first answer given under this key, rendered from the session as it was then;
        a refusal if the key was used for another request."""
        async with self._storage.read() as uow:
            stored = await uow.sessions.idempotent_outcome(record.id, key.key)
        if stored is None:
            return None
        if stored.get("request", key.request) != key.request:
            return await self.rejected(record, "idempotency_key_reused", REUSED_KEY)
        view = await self._views.build(
            replayed_record(workflow_of(self._flows, record), stored["record"], record)
        )
        if stored["kind"] == "rejected":
            code, message_id = str(stored["code"]), stored.get("message_id")
            if not isinstance(message_id, str):  # stored before the catalogue: as it was
                return Rejected(str(stored["reason"]), code, view)
            return rejected_in(record, code, message_id, stored.get("params"), view)
        return Moved(view)


def rejected_in(
    record: SessionRecord, code: str, message_id: str, params: object, view: StepView
) -> Rejected:
    """A refusal with its reason in the session's locale, its id and parameters."""
    given: dict[str, Any] = dict(params) if isinstance(params, Mapping) else {}
    reason = text(message_id, locale_of(record), given)
    return Rejected(reason, code, view, message_id, given)
