"""`trex flows diff|check|migrate`: the operator's side of changing a workflow (README, "Change a
flow").

- `diff <workflow> <from> <to> [--mermaid]`: what changed (`workflows.diff_render`), renames
  paired through the `to` version's declared migration.
- `check`: every version's definition and every declared migration; exit 2 on any fault.
- `migrate <workflow> --to N [--dry-run] [--skip-refused]`: the sessions in flight on N-1 moved
  onto N (`app.services.flow_migration`). The report names sessions, steps and answer fields,
  never a value.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from app.services.effects import EFFECT_NAMES
from app.services.flow_migration import (
    FlowMigration,
    MigrationRun,
    SessionPlan,
    checked_versions,
)
from app.settings import Settings
from workflows import registry
from workflows.checker import check as check_definition
from workflows.diff import diff
from workflows.diff_render import mermaid, render_text
from workflows.migration import NO_MIGRATION, MigrationDataError, check_migration, from_data
from workflows.migration_plan import Refusal
from workflows.registry import Registry, UnknownVersion

log = logging.getLogger("trex.flows")


class FlowsRefused(Exception):
    """A malformed migration named by `diff` (the message says which)."""


@dataclass(frozen=True, slots=True)
class Report:
    text: str
    ok: bool = True


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    flows = commands.add_parser("flows", help="diff, check and migrate workflow versions")
    actions = flows.add_subparsers(dest="action", required=True)
    show = actions.add_parser("diff", help="what changed from one version to another")
    show.add_argument("workflow")
    show.add_argument("old", type=int, metavar="from")
    show.add_argument("new", type=int, metavar="to")
    show.add_argument("--mermaid", action="store_true", help="the new graph, changes marked")
    actions.add_parser("check", help="check every version and every declared migration")
    move = actions.add_parser("migrate", help="move the sessions in flight on N-1 onto N")
    move.add_argument("workflow")
    move.add_argument("--to", type=int, required=True, dest="to", metavar="N")
    move.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    move.add_argument(
        "--skip-refused", action="store_true", help="move the others; refused ones stay on N-1"
    )


async def run(
    settings: Settings, args: argparse.Namespace, flows: Registry | None = None
) -> Report:
    flows = flows or registry.default()
    if args.action == "diff":
        return Report(diff_text(flows, args.workflow, args.old, args.new, args.mermaid))
    if args.action == "check":
        return check(flows)
    return await migrate(settings, flows, args.workflow, args.to, args.dry_run, args.skip_refused)


def diff_text(flows: Registry, name: str, old: int, new: int, as_mermaid: bool = False) -> str:
    """`UnknownVersion` for an undefined workflow or version."""
    if not flows.versions(name):
        raise UnknownVersion(name)
    before, after = flows.get(name, old), flows.get(name, new)
    declared = flows.release(name, new).migration
    try:
        migration = NO_MIGRATION if declared is None else from_data(declared)
    except MigrationDataError as error:
        raise FlowsRefused(f"{name} v{new}: {error}") from None
    found = diff(before, after, migration)
    return mermaid(after, found) if as_mermaid else render_text(found)


def check(flows: Registry) -> Report:
    """One line per version ("ok", or its faults: the definition's, then its migration's)."""
    lines: list[str] = []
    ok = True
    for name in flows.names():
        for version in flows.versions(name):
            faults = list(_faults(flows, name, version))
            ok = ok and not faults
            lines.append(f"{name} v{version}: " + (f"{len(faults)} faults" if faults else "ok"))
            lines.extend(f"  - {fault}" for fault in faults)
    return Report("\n".join(lines) + "\n", ok)


def _faults(flows: Registry, name: str, version: int) -> Iterator[str]:
    release = flows.release(name, version)
    yield from (str(fault) for fault in check_definition(release.workflow, EFFECT_NAMES))
    if release.migration is None:
        return
    if version - 1 not in flows.versions(name):
        yield f"migration: declared, but there is no v{version - 1} to migrate from"
        return
    try:
        migration = from_data(release.migration)
    except MigrationDataError as error:
        yield str(error)
        return
    old = flows.get(name, version - 1)
    yield from (
        f"migration: {fault}" for fault in check_migration(old, release.workflow, migration)
    )


async def migrate(
    settings: Settings,
    flows: Registry,
    workflow: str,
    to_version: int,
    dry_run: bool,
    skip_refused: bool,
) -> Report:
    """`MigrationRefused` (a faulty migration) or `UnknownVersion` before the database is even
    opened; the events of the moves are pushed by the servers' relays (within a second)."""
    from app.bootstrap import now, prepare_database
    from app.db.unit_of_work import SqlStorage

    checked_versions(flows, workflow, to_version)
    db = await prepare_database(settings)
    try:
        service = FlowMigration(SqlStorage(db), flows, now)
        if dry_run:
            plans = await service.dry_run(workflow, to_version)
            return Report(dry_run_text(workflow, to_version, plans))
        done = await service.run(workflow, to_version, skip_refused=skip_refused)
        return Report(run_text(done), ok=not done.stopped)
    finally:
        await db.dispose()


def dry_run_text(workflow: str, to_version: int, plans: list[SessionPlan]) -> str:
    refused = sum(p.refused for p in plans)
    lines = [
        f"{workflow} v{to_version - 1} → v{to_version}: {len(plans)} sessions in flight on "
        f"v{to_version - 1}, {len(plans) - refused} would move, {refused} refused "
        "(dry run: nothing changed)"
    ]
    for planned in plans:
        lines.extend(_plan_lines(planned))
    return "\n".join(lines) + "\n"


def _plan_lines(planned: SessionPlan) -> Iterator[str]:
    outcome = planned.outcome
    if isinstance(outcome, Refusal):
        yield f"{planned.session_id}  {planned.from_step}: refused [{outcome.rule}]"
        yield f"    {outcome.message}"
        return
    yield f"{planned.session_id}  {planned.from_step} → {outcome.state.current_step}"
    kept = [str(k.new) if k.old == k.new else f"{k.old} as {k.new}" for k in outcome.kept]
    yield "    kept: " + (", ".join(kept) or "none")
    dropped = [f"{d.old} ({d.reason})" for d in outcome.dropped]
    yield "    dropped: " + (", ".join(dropped) or "none")


def run_text(done: MigrationRun) -> str:
    head = f"{done.workflow} v{done.from_version} → v{done.to_version}"
    if done.stopped:
        lines = [
            f"{head}: refused, nothing moved: {len(done.refused)} sessions cannot move "
            f"(--skip-refused moves the others and leaves these on v{done.from_version})"
        ]
        for planned in done.refused:
            lines.extend(_plan_lines(planned))
        return "\n".join(lines) + "\n"
    lines = [f"{planned.session_id}  moved" for planned in done.moved]
    lines += [
        f"{planned.session_id}  refused, left on v{done.from_version}" for planned in done.refused
    ]
    lines += [
        f"{session_id}  changed while moving, left on v{done.from_version}"
        for session_id in done.skipped
    ]
    lines.append(
        f"{head}: moved {len(done.moved)}, refused {len(done.refused)}, skipped {len(done.skipped)}"
    )
    return "\n".join(lines) + "\n"
