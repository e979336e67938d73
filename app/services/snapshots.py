"""Copies of a session kept beside it (idempotency snapshots) hold no personal data.

A snapshot keeps what a replay needs to render the first answer again: the step, the path, the
non-personal answers and context. The personal parts come from the session as it is now when
the replay renders, so there is one copy of them, and erasing the session erases them all."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from app.services.records import SessionRecord, session_columns, session_record
from workflows.engine import SessionState
from workflows.model import Workflow
from workflows.personal import REDACTED, with_personal_from, without_personal

# Context entries about the person: the host page's own context (anything it chose to pass)
# and the credit decision (its amount follows from the income).
PERSONAL_CONTEXT = ("host", "credit")
# What the live session gives a replay: its secret and its site are not in the snapshot.
LIVE_COLUMNS = ("token_hash", "host_site_id")
TIMES = ("created_at", "updated_at")


def history_context(context: dict[str, Any]) -> dict[str, Any]:
    """A context update as history keeps it: which entries changed, not a person's values."""
    return {
        k: (REDACTED if k in PERSONAL_CONTEXT else v) for k, v in context.items() if k != "notice"
    }


def impersonal_snapshot(workflow: Workflow, record: SessionRecord) -> dict[str, Any]:
    columns = session_columns(record)
    snapshot = {k: v for k, v in columns.items() if k not in LIVE_COLUMNS}
    snapshot |= {k: columns[k].isoformat() for k in TIMES}
    snapshot["answers"] = without_personal(workflow, record.state.answers)
    snapshot["context"] = {k: v for k, v in record.context.items() if k not in PERSONAL_CONTEXT}
    return snapshot


def replayed_record(
    workflow: Workflow, snapshot: dict[str, Any], live: SessionRecord
) -> SessionRecord:
    """The session as the snapshot has it, its personal parts taken from `live`."""
    live_columns = {k: getattr(live, k) for k in LIVE_COLUMNS}
    times = {k: datetime.fromisoformat(snapshot[k]) for k in TIMES}
    then = session_record({**snapshot, **live_columns, **times})
    answers = with_personal_from(workflow, then.state.answers, live.state.answers)
    personal = {k: v for k, v in live.context.items() if k in PERSONAL_CONTEXT}
    state: SessionState = replace(then.state, answers=answers)
    return replace(then, state=state, context={**then.context, **personal})
