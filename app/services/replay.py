"""Shadow replay, as an operator runs it: recorded sessions read from the history (or a corpus
file), replayed over a version by the pure core (`workflows.replay`), and the funnel they would
have made beside the one they made, both folded by the funnel's own arithmetic.

Nothing is written and no effect runs: the history is only read."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.services.funnel import figures
from app.services.funnel_fold import FunnelShape, fold, totals_of
from app.services.storage import SessionStorage
from workflows.funnel import (
    FunnelFigures,
    FunnelKey,
    Move,
    SessionMoves,
)
from workflows.model import Workflow
from workflows.registry import Registry
from workflows.replay import (
    ACTIONS,
    MIGRATED,
    RecordedRow,
    RecordedSession,
    ReplayedMove,
    ReplayReport,
    recorded_moves,
    replay,
    workflow_type_of,
)

MAX_SESSIONS = 100_000
SITE = "replay"


class ReplayRefused(Exception):
    """A corpus that is not one, or versions that do not exist (the message names which)."""


@dataclass(frozen=True, slots=True)
class ShadowReplay:
    from_version: int
    report: ReplayReport
    recorded: FunnelFigures  # the sessions as they went, on `from_version`
    replayed: FunnelFigures  # as they would have gone on `report.version`


async def recorded_sessions(
    storage: SessionStorage, workflow: str, version: int, limit: int = MAX_SESSIONS
) -> list[RecordedSession]:
    async with storage.read() as uow:
        return await uow.sessions.recorded(workflow, version, limit)


def default_from_version(version: int) -> int:
    """The version before `version` (the first is replayed over itself)."""
    return max(1, version - 1)


def shadow_replay(
    flows: Registry, name: str, version: int, from_version: int, sessions: Sequence[RecordedSession]
) -> ShadowReplay:
    """`sessions` of `from_version` (others are left out) replayed over `version`."""
    target, source = flows.get(name, version), flows.get(name, from_version)
    chosen = [s for s in sessions if (s.workflow, s.version) == (name, from_version)]
    report = replay(target, chosen)
    recorded = _funnel(source, [(s.session_id, recorded_moves(s)) for s in chosen])
    replayed = _funnel(target, [(r.session_id, r.moves) for r in report.replays])
    return ShadowReplay(from_version, report, recorded, replayed)


def _funnel(
    workflow: Workflow, sessions: Sequence[tuple[str, Sequence[ReplayedMove]]]
) -> FunnelFigures:
    key = FunnelKey(SITE, workflow.name, workflow.version)
    shape = FunnelShape.of(workflow)
    folded = [
        SessionMoves(
            session_id,
            key,
            tuple(Move(n, m.action, m.from_step, m.to_step, m.at) for n, m in enumerate(moves, 1)),
        )
        for session_id, moves in sessions
        if moves
    ]
    totals = totals_of(fold(folded, 0, lambda _: shape))
    found = figures(totals, lambda _: shape)
    return found[0] if found else FunnelFigures(key, 0, 0, (), ())


# --- The corpus file: recorded sessions as the history store gives them ---


def corpus_json(sessions: Sequence[RecordedSession]) -> str:
    entries = [
        {
            "session_id": s.session_id,
            "workflow": s.workflow,
            "version": s.version,
            "workflow_type": s.workflow_type,
            "rows": [
                {
                    "action": r.action,
                    "from_step": r.from_step,
                    "to_step": r.to_step,
                    "input": dict(r.input),
                    "at": r.at.isoformat(),
                }
                for r in s.rows
            ],
        }
        for s in sessions
    ]
    return json.dumps({"sessions": entries}, indent=1, sort_keys=True) + "\n"


def read_corpus(text: str, where: str = "corpus") -> list[RecordedSession]:
    """The sessions of a corpus file; `ReplayRefused` naming the entry and the rule if not."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ReplayRefused(f"{where}: not JSON ({error.args[0]})") from None
    entries = _field(document, "sessions", list, where)
    if len(entries) > MAX_SESSIONS:
        raise ReplayRefused(f"{where}.sessions: at most {MAX_SESSIONS} sessions")
    return [_session(entry, f"{where}.sessions[{i}]") for i, entry in enumerate(entries)]


def _session(entry: object, where: str) -> RecordedSession:
    rows = tuple(
        _row(row, f"{where}.rows[{i}]") for i, row in enumerate(_field(entry, "rows", list, where))
    )
    version = _field(entry, "version", int, where)
    return RecordedSession(
        _field(entry, "session_id", str, where),
        _field(entry, "workflow", str, where),
        version,
        workflow_type_of(rows),
        rows,
    )


def _row(row: object, where: str) -> RecordedRow:
    action = _field(row, "action", str, where)
    if action not in (*ACTIONS, MIGRATED):
        raise ReplayRefused(f"{where}.action: one of {', '.join((*ACTIONS, MIGRATED))}")
    from_step = _field(row, "from_step", (str, type(None)), where)
    at = _field(row, "at", str, where)
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise ReplayRefused(f"{where}.at: an ISO 8601 time") from None
    return RecordedRow(
        action,
        from_step,
        _field(row, "to_step", str, where),
        _field(row, "input", dict, where),
        when,
    )


def _field(entry: object, name: str, kind: Any, where: str) -> Any:
    if not isinstance(entry, Mapping):
        raise ReplayRefused(f"{where}: an object")
    value = entry.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ReplayRefused(f"{where}.{name}: required, {_kind_name(kind)}")
    return value


def _kind_name(kind: Any) -> str:
    names = {str: "text", int: "an integer", list: "a list", dict: "an object"}
    return names.get(kind, "text or null")
