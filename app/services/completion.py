"""The one completion rule: a session is COMPLETED when it reached its end and all its leads did.

Either can come last: the visitor's final transition (the leads may be done already) or the
lead pipeline recording a lead's last outcome (the session may be at its end already), so both
call this in their own unit of work, after writing what they changed, and it counts the session
in `trex_sessions_completed_total` once that unit of work has committed."""

from __future__ import annotations

from dataclasses import replace

from app.services.records import SessionRecord
from app.services.storage import SessionUnitOfWork
from app.telemetry.metrics import Metrics
from workflows.model import SessionStatus

COMPLETED = "COMPLETED"


async def completed_if_done(
    uow: SessionUnitOfWork, record: SessionRecord, metrics: Metrics
) -> SessionRecord:
    """`record`, COMPLETED (and so one row version on) if this makes it done."""
    if record.state.status is not SessionStatus.SUBMITTED:
        return record
    statuses = await uow.leads.statuses_of_session(record.id)
    if not statuses or any(status != COMPLETED for status in statuses):
        return record
    await uow.sessions.set_status(record.id, SessionStatus.COMPLETED)
    counter = metrics.sessions_completed.labels(record.workflow, str(record.definition_version))
    uow.after_commit(counter.inc)
    completed = replace(record.state, status=SessionStatus.COMPLETED)
    return replace(record, state=completed, row_version=record.row_version + 1)


async def complete_session_if_done(
    uow: SessionUnitOfWork, session_id: str, metrics: Metrics
) -> None:
    """The rule for a session known by its id (the lead pipeline, after a lead's outcome)."""
    record = await uow.sessions.get(session_id)
    if record is not None:
        await completed_if_done(uow, record, metrics)
