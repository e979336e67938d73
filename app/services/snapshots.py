"""Copies of a session kept beside it (idempotency snapshots) hold no personal data.

A snapshot keeps what a replay needs to render the first answer again: the step, the path, the
non-personal answers and context. The personal parts come from the session as it is now when
the replay renders, so there is one copy of them, and erasing the session erases them all."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.db.repositories import record_from_snapshot, record_snapshot
from app.services.records import SessionRecord
from workflows.engine import SessionState
from workflows.model import Workflow
from workflows.personal import REDACTED, with_personal_from, without_personal

# Context entries about the person: the host page's own context (anything it chose to pass)
# and the credit decision (its amount follows from the income).
PERSONAL_CONTEXT = ("host", "credit")


def history_context(context: dict[str, Any]) -> dict[str, Any]:
    """A context update as history keeps it: which entries changed, not a person's values."""
    return {
        k: (REDACTED if k in PERSONAL_CONTEXT else v) for k, v in context.items() if k != "notice"
    }


def impersonal_snapshot(workflow: Workflow, record: SessionRecord) -> dict[str, Any]:
    snapshot = record_snapshot(record)
    snapshot["answers"] = without_personal(workflow, record.state.answers)
    snapshot["context"] = {k: v for k, v in record.context.items() if k not in PERSONAL_CONTEXT}
    return snapshot


def replayed_record(
    workflow: Workflow, snapshot: dict[str, Any], live: SessionRecord
) -> SessionRecord:
    """The session as the snapshot has it, its personal parts taken from `live`."""
    then = record_from_snapshot(snapshot, live.token_hash)
    answers = with_personal_from(workflow, then.state.answers, live.state.answers)
    personal = {k: v for k, v in live.context.items() if k in PERSONAL_CONTEXT}
    state: SessionState = replace(then.state, answers=answers)
    return replace(
        then, state=state, context={**then.context, **personal}, host_site_id=live.host_site_id
    )
