"""Moving the sessions in flight on a workflow version onto the next (`trex flows migrate`).

Each session on version N-1 that is active or waiting is planned with
`workflows.migration_plan.plan`; a migration whose static check (`check_migration`) finds faults
is refused before anything is planned. A run moves nothing if any plan is a refusal, unless the
refused sessions are skipped (they finish on N-1). Each move is one unit of work: the new
version and state (saved only if the row version it planned from is unchanged), a history entry
`migrate` naming the answers kept and dropped (names, never values), and the STEP_CHANGED event
that pushes the new step to subscribers: the relays of the running servers push it (their scan
finds events nobody pushed yet), or `committed` when the caller has a relay of its own. A
session that changed since it was planned is planned again once, then reported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from app.services.records import SessionRecord, StoredEvent
from app.services.session_events import step_changed
from app.services.storage import SessionStorage
from workflows.checker import Fault
from workflows.migration import Migration, MigrationDataError, check_migration, from_data
from workflows.migration_plan import Landing, Refusal, plan
from workflows.model import SessionStatus, Workflow
from workflows.registry import Registry, UnknownVersion

log = logging.getLogger("trex.flows")
IN_FLIGHT = (SessionStatus.ACTIVE, SessionStatus.WAITING)


class MigrationRefused(Exception):
    """The migration cannot run at all: an unknown version, a malformed or faulty migration."""

    def __init__(self, message: str, faults: tuple[Fault, ...] = ()) -> None:
        super().__init__(message)
        self.faults = faults


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """One session's plan: where it is (on N-1) and where it lands, or why it cannot move."""

    session_id: str
    from_step: str
    outcome: Landing | Refusal

    @property
    def refused(self) -> bool:
        return isinstance(self.outcome, Refusal)

    def kept(self) -> list[str]:
        """`step.field` on N of each answer kept (field names only, never values)."""
        if isinstance(self.outcome, Refusal):
            return []
        return [str(k.new) for k in self.outcome.kept]

    def dropped(self) -> list[str]:
        """`step.field` on N-1 of each answer left behind."""
        if isinstance(self.outcome, Refusal):
            return []
        return [str(d.old) for d in self.outcome.dropped]


@dataclass(frozen=True, slots=True)
class MigrationRun:
    workflow: str
    from_version: int
    to_version: int
    moved: tuple[SessionPlan, ...] = ()
    # Left on N-1: their plan is a refusal (the whole run when not skipping them).
    refused: tuple[SessionPlan, ...] = ()
    # Left on N-1: changed again while being moved (planned twice), or ended meanwhile.
    skipped: tuple[str, ...] = ()
    # True: refusals stopped the run before anything moved.
    stopped: bool = False


@dataclass(frozen=True, slots=True)
class Versions:
    old: Workflow
    new: Workflow
    migration: Migration


def checked_versions(flows: Registry, workflow: str, to_version: int) -> Versions:
    """Versions N-1 and N and N's migration; `UnknownVersion`, or `MigrationRefused` naming
    every fault of the migration."""
    if not flows.versions(workflow):
        raise UnknownVersion(workflow)
    new = flows.get(workflow, to_version)
    if to_version - 1 not in flows.versions(workflow):
        raise MigrationRefused(f"'{workflow}' has no version {to_version - 1} to migrate from")
    old = flows.get(workflow, to_version - 1)
    try:
        migration = from_data(flows.release(workflow, to_version).migration or {})
    except MigrationDataError as error:
        raise MigrationRefused(f"{workflow} v{to_version}: {error}") from None
    faults = tuple(check_migration(old, new, migration))
    if faults:
        listed = "\n".join(f"  - {fault}" for fault in faults)
        raise MigrationRefused(
            f"the migration of {workflow} v{to_version - 1} → v{to_version} has faults; "
            f"nothing was planned:\n{listed}",
            faults,
        )
    return Versions(old, new, migration)


@dataclass
class FlowMigration:
    storage: SessionStorage
    flows: Registry
    clock: Callable[[], datetime]
    # Hands each committed event to this process's relay (None: the servers' relays push it).
    committed: Callable[[StoredEvent], None] | None = None
    _versions: dict[tuple[str, int], Versions] = field(default_factory=dict, repr=False)

    def checked(self, workflow: str, to_version: int) -> Versions:
        key = (workflow, to_version)
        if key not in self._versions:
            self._versions[key] = checked_versions(self.flows, workflow, to_version)
        return self._versions[key]

    async def dry_run(self, workflow: str, to_version: int) -> list[SessionPlan]:
        """Every in-flight session of N-1 planned; nothing is written."""
        return [p for _, p in await self._plans(workflow, to_version)]

    async def run(self, workflow: str, to_version: int, *, skip_refused: bool) -> MigrationRun:
        plans = await self._plans(workflow, to_version)
        refused = tuple(p for _, p in plans if p.refused)
        base = MigrationRun(workflow, to_version - 1, to_version)
        if refused and not skip_refused:
            log.warning(
                "migration of %s v%d → v%d refused: %d sessions cannot move; nothing moved",
                workflow,
                to_version - 1,
                to_version,
                len(refused),
            )
            return replace(base, refused=refused, stopped=True)
        moved: list[SessionPlan] = []
        skipped: list[str] = []
        late_refusals: list[SessionPlan] = []
        for record, planned in plans:
            if planned.refused:
                self._log(planned, "left on", to_version - 1)
                continue
            done = await self._move(record, planned, to_version)
            if done is None:
                skipped.append(planned.session_id)
                log.warning(
                    "session %s changed while it was migrated; left on v%d",
                    planned.session_id,
                    to_version - 1,
                )
            elif done.refused:
                late_refusals.append(done)
                self._log(done, "left on", to_version - 1)
            else:
                moved.append(done)
                self._log(done, "moved to", to_version)
        return replace(
            base, moved=tuple(moved), refused=(*refused, *late_refusals), skipped=tuple(skipped)
        )

    async def _plans(
        self, workflow: str, to_version: int
    ) -> list[tuple[SessionRecord, SessionPlan]]:
        self.checked(workflow, to_version)
        async with self.storage.read() as uow:
            ids = await uow.sessions.in_flight(workflow, to_version - 1)
        plans = []
        for session_id in ids:
            async with self.storage.read() as uow:
                record = await uow.sessions.get(session_id)
            if record is not None and self._on_old(record, to_version):
                plans.append((record, self._plan(record, to_version)))
        return plans

    def _on_old(self, record: SessionRecord, to_version: int) -> bool:
        return record.definition_version == to_version - 1 and record.state.status in IN_FLIGHT

    def _plan(self, record: SessionRecord, to_version: int) -> SessionPlan:
        versions = self.checked(record.workflow, to_version)
        outcome = plan(
            versions.old,
            versions.new,
            versions.migration,
            record.state,
            today=self.clock().date(),
        )
        return SessionPlan(record.id, record.state.current_step, outcome)

    async def _move(
        self, record: SessionRecord, planned: SessionPlan, to_version: int
    ) -> SessionPlan | None:
        """The moved plan; a refusal if the session, planned again, cannot move now; None if
        it changed again or ended meanwhile."""
        if await self._save(record, planned, to_version):
            return planned
        async with self.storage.read() as uow:
            again = await uow.sessions.get(record.id)
        if again is None or not self._on_old(again, to_version):
            return None
        replanned = self._plan(again, to_version)
        if replanned.refused:
            return replanned
        return replanned if await self._save(again, replanned, to_version) else None

    async def _save(self, record: SessionRecord, planned: SessionPlan, to_version: int) -> bool:
        assert isinstance(planned.outcome, Landing)
        now = self.clock()
        moved = replace(
            record, definition_version=to_version, state=planned.outcome.state, updated_at=now
        )
        async with self.storage.write() as uow:
            saved = await uow.sessions.save(moved)
            if saved is None:
                return False
            await uow.sessions.add_history(
                record.id,
                "migrate",
                record.state.current_step,
                saved.state.current_step,
                now,
                {
                    "from_version": record.definition_version,
                    "to_version": to_version,
                    "kept": planned.kept(),
                    "dropped": planned.dropped(),
                },
            )
            event = await step_changed(uow, saved, "migrate")
        if self.committed is not None:
            self.committed(event)
        return True

    @staticmethod
    def _log(planned: SessionPlan, what: str, version: int) -> None:
        """Ids only: the session, its steps, the refusal's rule; never an answer."""
        outcome = planned.outcome
        where = (
            f"refused: {outcome.rule}"
            if isinstance(outcome, Refusal)
            else f"{planned.from_step} → {outcome.state.current_step}"
        )
        log.info("session %s %s v%d (%s)", planned.session_id, what, version, where)
