"""`trex flows diff|check|migrate`: the reports, the exit codes, a faulty migration refused before
anything is planned, and a session that changed while it was migrated (on memory storage, with
the shop flow of tests/unit/flow_versions.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest

from app.cli import main
from app.flows_command import check, diff_text, dry_run_text
from app.services.flow_migration import FlowMigration, MigrationRefused
from app.services.records import SessionRecord
from tests.support import trex_versions
from tests.support.memory_service import T0, Clock, Unread
from tests.support.memory_storage import MemorySessions, MemoryStorage, MemoryUnitOfWork
from tests.unit import flow_versions
from workflows.engine import SessionState
from workflows.graph import to_mermaid
from workflows.migration import to_data
from workflows.model import SessionStatus
from workflows.registry import Registry, Release

SHOP = Registry.of(
    [Release(flow_versions.v1()), Release(flow_versions.v2(), to_data(flow_versions.MIGRATION))]
)


def test_diff_pairs_the_renames_the_to_version_declares() -> None:
    text = diff_text(SHOP, "shop", 1, 2)
    assert text.startswith("shop: v1 → v2\n")
    assert "~ step vehicle_search (was search)\n" in text
    assert "    ~ field zip_code (was zip)\n" in text
    assert "- step legacy_survey\n" in text
    assert "+ step review\n" in text
    undeclared = Registry.of([Release(flow_versions.v1()), Release(flow_versions.v2())])
    unpaired = diff_text(undeclared, "shop", 1, 2)
    assert "- step search\n" in unpaired
    assert "+ step vehicle_search\n" in unpaired


def test_diff_as_mermaid_is_the_new_graph_with_the_changes_marked() -> None:
    graph = diff_text(SHOP, "shop", 1, 2, as_mermaid=True)
    assert graph.startswith(to_mermaid(flow_versions.v2()))
    assert "classDef added" in graph
    assert "legacy_survey" in graph  # the removed step, drawn dashed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["flows", "diff", "nope", "1", "2"], "no workflow 'nope' is defined"),
        (["flows", "diff", "trex", "1", "9"], "no version 9 of 'trex' is defined"),
        (["flows", "migrate", "trex", "--to", "9"], "no version 9 of 'trex' is defined"),
        (["flows", "migrate", "trex", "--to", "1"], "'trex' has no version 0 to migrate from"),
    ],
)
def test_an_unknown_workflow_or_version_exits_2_naming_it(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert capsys.readouterr().err == message + "\n"


def test_check_of_the_shipped_definitions_passes(capsys: pytest.CaptureFixture[str]) -> None:
    main(["flows", "check"])
    assert capsys.readouterr().out == "buyer_financing v1: ok\ntrex v1: ok\ntrex v2: ok\n"
    assert check(trex_versions.both()).text == "trex v1: ok\ntrex v2: ok\n"


def test_check_lists_every_fault_of_a_definition_and_of_a_migration() -> None:
    v1, v2 = trex_versions.v1(), trex_versions.v2()
    strands = {"step_renames": {"nowhere": "financing"}}
    report = check(Registry.of([Release(v1, {"step_renames": {}}), Release(v2, strands)]))
    assert not report.ok
    assert report.text.splitlines() == [
        "trex v1: 1 faults",
        "  - migration: declared, but there is no v0 to migrate from",
        "trex v2: 2 faults",
        "  - migration: nowhere: is renamed, but v1 has no such step",
        "  - migration: financing_needs: is not in v2 and the migration neither renames it nor "
        "says where its sessions go",
    ]
    malformed = check(Registry.of([Release(v1), Release(v2, {"steps": {}})]))
    assert "  - migration.steps: unknown key" in malformed.text
    # The shop flow's effects are bound by no handler of the service.
    unbound = check(SHOP)
    assert not unbound.ok
    assert "contact: effect 'send_lead'" in unbound.text


async def test_a_faulty_migration_is_refused_before_anything_is_read() -> None:
    faulty = Registry.of([Release(trex_versions.v1()), Release(trex_versions.v2())])
    service = FlowMigration(Unread(), faulty, Clock())
    with pytest.raises(MigrationRefused, match="has faults; nothing was planned") as refused:
        await service.dry_run("trex", 2)
    assert [fault.step for fault in refused.value.faults] == ["financing_needs"]
    with pytest.raises(MigrationRefused):
        await service.run("trex", 2, skip_refused=True)


def _session(
    session_id: str, step: str, answers: dict[str, dict[str, object]], *path: str
) -> SessionRecord:
    state = SessionState(step, SessionStatus.ACTIVE, answers, (*path, step))
    return SessionRecord(session_id, "digest", "shop", 1, state, {}, T0, T0)


ON_SEARCH: dict[str, dict[str, object]] = {"intent": {"intent": "buy"}}
ON_CONTACT: dict[str, dict[str, object]] = {
    "intent": {"intent": "buy"},
    "search": {"zip": "10001", "make": "Honda"},
}


async def _stored(storage: MemoryStorage, *records: SessionRecord) -> None:
    async with storage.write() as uow:
        for record in records:
            await uow.sessions.add(record)


class Meddling(MemoryStorage):
    """Before each of its first `times` writes, another process moves session `s-1` on (a new
    row version): the migration's save of its plan conflicts."""

    def __init__(self, times: int) -> None:
        super().__init__()
        self.times = times

    @asynccontextmanager
    async def write(self) -> AsyncIterator[MemoryUnitOfWork]:
        if self.times and "s-1" in self.state.sessions:
            self.times -= 1
            stored = self.state.sessions["s-1"]
            moved = SessionState("search", SessionStatus.ACTIVE, ON_SEARCH, ("intent", "search"))
            self.state.sessions["s-1"] = replace(
                stored, state=moved, row_version=stored.row_version + 1
            )
        async with super().write() as uow:
            yield uow


async def test_a_session_that_changed_since_it_was_planned_is_planned_again_once() -> None:
    storage = Meddling(times=1)
    await _stored(storage, _session("s-1", "intent", {}))
    run = await FlowMigration(storage, SHOP, Clock()).run("shop", 2, skip_refused=False)
    assert [(p.session_id, p.from_step) for p in run.moved] == [("s-1", "search")]
    stored = storage.state.sessions["s-1"]
    assert (stored.definition_version, stored.state.current_step) == (2, "vehicle_search")
    assert stored.state.answers == ON_SEARCH
    [history] = [h for h in storage.state.history if h["action"] == "migrate"]
    assert (history["from"], history["to"]) == ("search", "vehicle_search")
    assert history["input"] == {
        "from_version": 1,
        "to_version": 2,
        "kept": ["intent.intent"],
        "dropped": [],
    }
    [event] = storage.state.events.values()
    assert event.payload == {"step": "vehicle_search", "source": "migrate"}


async def test_a_session_that_changes_again_is_reported_and_left_on_its_version() -> None:
    storage = Meddling(times=2)
    await _stored(storage, _session("s-1", "intent", {}), _session("s-2", "intent", {}))
    run = await FlowMigration(storage, SHOP, Clock()).run("shop", 2, skip_refused=False)
    assert run.skipped == ("s-1",)
    assert [p.session_id for p in run.moved] == ["s-2"]
    assert storage.state.sessions["s-1"].definition_version == 1
    assert [h["session_id"] for h in storage.state.history] == ["s-2"]


async def test_only_sessions_in_flight_on_the_previous_version_are_planned() -> None:
    storage = MemoryStorage()
    done = _session("s-done", "done", ON_CONTACT, "intent", "search", "contact")
    done = replace(done, state=replace(done.state, status=SessionStatus.COMPLETED))
    on_v2 = replace(_session("s-v2", "intent", {}), definition_version=2)
    await _stored(storage, _session("s-1", "contact", ON_CONTACT, "intent", "search"), done, on_v2)
    async with storage.read() as uow:
        assert isinstance(uow.sessions, MemorySessions)
        assert await uow.sessions.in_flight("shop", 1) == ["s-1"]
    plans = await FlowMigration(storage, SHOP, Clock()).dry_run("shop", 2)
    text = dry_run_text("shop", 2, plans)
    assert text.splitlines() == [
        "shop v1 → v2: 1 sessions in flight on v1, 0 would move, 1 refused "
        "(dry run: nothing changed)",
        "s-1  contact: refused [missing_answers]",
        "    session on 'contact' (v1): would land on 'contact' (v2), but 'vehicle_search' on "
        "its path lacks required radius (every step before the landing step must have its "
        "required answers)",
    ]
    assert "10001" not in text
    assert "Honda" not in text
