"""`trex flows replay <workflow> --version N [--from-version M] [--corpus FILE] [--json]`: the
recorded answers of past sessions (of version M, by default the one before N) replayed over
version N without side effects, and what would have gone differently: where paths diverge,
which answers N rejects, which sessions get stuck, and the funnel beside the recorded one.

The sessions come from the database's history, or from a corpus file of recorded histories
(`--corpus`, the shape `corpus_json` writes: what CI replays)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from app.services.replay import (
    ReplayRefused,
    ShadowReplay,
    default_from_version,
    read_corpus,
    recorded_sessions,
    shadow_replay,
)
from app.settings import Settings
from workflows import registry
from workflows.funnel import FunnelFigures
from workflows.replay import RecordedSession

GROUP = "flows"
LOOKUPS_NOTE = (
    "options only the service knows (makes, models, listed vehicles, dealers) were taken as "
    "recorded: the replay is about the flow, not the stock"
)


def add_parser(commands: Any) -> None:
    """`replay` under the `flows` group, the group made if no other command made it yet."""
    group = commands.choices.get(GROUP)
    if group is None:
        group = commands.add_parser(GROUP, help="work with workflow versions")
        group.add_subparsers(dest="action", required=True)
    actions = next(a for a in group._actions if isinstance(a, argparse._SubParsersAction))
    replay = actions.add_parser("replay", help="replay recorded sessions over a version")
    replay.add_argument("workflow")
    replay.add_argument("--version", type=int, required=True, help="the version replayed over")
    replay.add_argument("--from-version", type=int, help="whose sessions (default: N - 1)")
    replay.add_argument("--corpus", type=Path, help="recorded sessions from this JSON file")
    replay.add_argument("--limit", type=int, default=10_000, help="at most this many sessions")
    replay.add_argument("--json", action="store_true", help="JSON instead of text")
    replay.set_defaults(replay=True)


def is_replay(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "replay", False))


async def run(settings: Settings, args: argparse.Namespace) -> str:
    flows = registry.default()
    version = args.version
    from_version = args.from_version or default_from_version(version)
    flows.get(args.workflow, version)
    flows.get(args.workflow, from_version)
    if args.limit < 1:
        raise ReplayRefused("--limit must be at least 1.")
    if args.corpus is not None:
        sessions = _corpus(args.corpus)[: args.limit]
    else:
        sessions = await _from_database(settings, args.workflow, from_version, args.limit)
    found = shadow_replay(flows, args.workflow, version, from_version, sessions)
    return as_json(found) if args.json else as_text(found)


def _corpus(path: Path) -> list[RecordedSession]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReplayRefused(f"--corpus {path}: {error.strerror}") from None
    return read_corpus(text, path.name)


async def _from_database(
    settings: Settings, workflow: str, version: int, limit: int
) -> list[RecordedSession]:
    from app.bootstrap import prepare_database
    from app.db.unit_of_work import SqlStorage

    db = await prepare_database(settings)
    try:
        return await recorded_sessions(SqlStorage(db), workflow, version, limit)
    finally:
        await db.dispose()


def as_json(found: ShadowReplay) -> str:
    report = dataclasses.asdict(found.report)
    report.pop("replays")
    document = {
        "from_version": found.from_version,
        **report,
        "lookups": LOOKUPS_NOTE,
        "funnel": {"recorded": _figures(found.recorded), "replayed": _figures(found.replayed)},
    }
    return json.dumps(document, indent=2, default=str) + "\n"


def _figures(funnel: FunnelFigures) -> dict[str, Any]:
    return {
        "version": funnel.key.version,
        "started": funnel.started,
        "leads": funnel.leads,
        "reached": {s.step: s.reached for s in funnel.steps if s.reached},
    }


def as_text(found: ShadowReplay) -> str:
    report = found.report
    lines = [
        f"{report.workflow}: {report.sessions} sessions of v{found.from_version} replayed over "
        f"v{report.version}; {report.followed} went exactly as recorded"
        + (f" ({report.migrated} migrated between versions left out)" if report.migrated else ""),
        *_section("paths diverge", [_divergence(c.what, c.sessions) for c in report.divergences]),
        *_section(
            "answers rejected",
            [
                f"at {c.what.step}: {c.what.field} {c.what.code}: {_sessions(c.sessions)}"
                for c in report.rejections
            ],
        ),
        *_section("stuck", [f"at {c.what}: {_sessions(c.sessions)}" for c in report.stuck]),
        *_section(
            f"recorded steps v{report.version} does not have",
            [f"{c.what}: {_sessions(c.sessions)}" for c in report.missing_steps],
        ),
        "",
        f"{report.synthetic} answers synthetic (redacted personal values replaced by valid ones)",
        f"{report.accepted_lookups} answers of service options: {LOOKUPS_NOTE}",
        f"{report.skipped} recorded moves skipped (for steps the replay did not stand at)",
        "",
        *_funnels(found.recorded, found.replayed),
    ]
    return "\n".join(lines) + "\n"


def _section(title: str, entries: list[str]) -> list[str]:
    return (
        ["", f"{title}: none"] if not entries else ["", f"{title}:", *("  " + e for e in entries)]
    )


def _divergence(what: Any, n: int) -> str:
    return f"at {what.step}: recorded → {what.recorded}, now → {what.now}: {_sessions(n)}"


def _sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def _funnels(recorded: FunnelFigures, replayed: FunnelFigures) -> list[str]:
    before = {s.step: s.reached for s in recorded.steps}
    after = {s.step: s.reached for s in replayed.steps}
    order = [*after, *(step for step in before if step not in after)]
    header = (
        f"{'funnel':<24}{'v' + str(recorded.key.version):>10}{'v' + str(replayed.key.version):>10}"
    )
    lines = [
        header,
        f"{'started':<24}{recorded.started:>10}{replayed.started:>10}",
        f"{'leads':<24}{recorded.leads:>10}{replayed.leads:>10}",
    ]
    lines += [
        f"{'  ' + step:<24}{_count(before.get(step)):>10}{_count(after.get(step)):>10}"
        for step in order
        if before.get(step) or after.get(step)
    ]
    return lines


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)
