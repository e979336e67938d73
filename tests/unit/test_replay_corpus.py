"""The recorded corpus (tests/corpus/trex_v1_sessions.json, sessions walked over the API by
tests/support/record_corpus.py) replayed: over v1, on which it was recorded, nothing differs;
over a v2 with one option renamed, one new required field and one step removed, exactly the
sessions that took those ways are named, and the funnel shows where they went."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.replay_command import as_json, as_text
from app.services.replay import ShadowReplay, read_corpus, shadow_replay
from tests.support.replay_versions import NEW_REQUIRED, REMOVED, RENAMED, V1, v2
from workflows.registry import Registry, Release
from workflows.replay import Counted, Divergence, RecordedRow, RecordedSession, RejectedAnswer

CORPUS = Path(__file__).parents[1] / "corpus" / "trex_v1_sessions.json"
SESSIONS = read_corpus(CORPUS.read_text(encoding="utf-8"), CORPUS.name)
FLOWS = Registry.of([Release(V1), Release(v2())])


def sessions_with(moved: Callable[[RecordedRow], bool]) -> set[str]:
    return {s.session_id for s in SESSIONS if any(moved(row) for row in s.rows)}


def first_of(session: RecordedSession, *tests: Callable[[RecordedRow], bool]) -> int | None:
    """Which of `tests` the session's rows meet first."""
    for row in session.rows:
        for index, test in enumerate(tests):
            if test(row):
                return index
    return None


def test_the_corpus_walks_every_branch_of_v1() -> None:
    reached = {row.to_step for s in SESSIONS for row in s.rows}
    actions = {row.action for s in SESSIONS for row in s.rows}
    assert len(SESSIONS) >= 30
    assert reached == set(V1.steps)
    assert actions == {"start", "transition", "back", "resume", "rejected"}
    assert {s.workflow_type for s in SESSIONS} == {None, "buying", "selling"}


def test_over_v1_the_corpus_goes_exactly_where_it_went() -> None:
    found = shadow_replay(FLOWS, "trex", 1, 1, SESSIONS)
    report = found.report
    assert report.sessions == report.followed == len(SESSIONS)
    assert report.divergences == ()
    assert report.rejections == ()
    assert report.stuck == ()
    assert report.skipped == 0
    assert report.synthetic > 0
    assert report.accepted_lookups > 0
    assert found.recorded == found.replayed


def test_over_v2_the_changed_ways_are_named_exactly() -> None:
    renamed_step, field, old, _ = RENAMED
    new_step, new_field = NEW_REQUIRED
    removed, before, after = REMOVED

    def answered_old(row: RecordedRow) -> bool:
        return row.from_step == renamed_step and row.input.get(field) == old

    def confirmed(row: RecordedRow) -> bool:
        return row.action == "transition" and row.from_step == new_step

    def through_removed(row: RecordedRow) -> bool:
        return row.from_step == before and row.to_step == removed

    # A replay stops at the first answer v2 refuses: count each session once, at that answer.
    firsts = [first_of(s, answered_old, confirmed) for s in SESSIONS]
    report = shadow_replay(FLOWS, "trex", 2, 1, SESSIONS).report
    assert report.rejections == (
        Counted(RejectedAnswer(new_step, new_field, "required"), firsts.count(1)),
        Counted(RejectedAnswer(renamed_step, field, "enum"), firsts.count(0)),
    )
    assert (firsts.count(0), firsts.count(1)) == (3, 8)
    divergence = Divergence(before, removed, after)
    assert report.divergences == (Counted(divergence, len(sessions_with(through_removed))),)
    assert report.divergences[0].sessions == 4
    assert report.missing_steps == (Counted(removed, 4),)
    # Back from the removed step and answered again: v2 stands at `after`, nothing to answer.
    assert report.stuck == (Counted(after, 1),)


def test_over_v2_the_funnel_shows_where_the_sessions_would_have_gone() -> None:
    found = shadow_replay(FLOWS, "trex", 2, 1, SESSIONS)
    recorded = {s.step: s.reached for s in found.recorded.steps}
    replayed = {s.step: s.reached for s in found.replayed.steps}
    assert found.recorded.started == found.replayed.started == len(SESSIONS)
    assert REMOVED[0] in recorded
    assert REMOVED[0] not in replayed
    assert replayed["buying_confirmation"] == 0  # every one refused at vehicle_selection
    assert replayed["dealer_information"] == 0  # every dealer buyer refused at buyer_type
    assert replayed["vehicle_selection"] == recorded["vehicle_selection"]
    assert (found.recorded.leads, found.replayed.leads) == (14, 6)


@pytest.mark.parametrize("render", [as_text, as_json])
def test_the_report_names_steps_and_fields_never_a_value(
    render: Callable[[ShadowReplay], str],
) -> None:
    printed = render(shadow_replay(FLOWS, "trex", 2, 1, SESSIONS))
    assert "financing_interest" in printed
    assert "dealer_network" in printed
    assert "[redacted]" not in printed
    assert "@" not in printed
    assert "taken as recorded" in printed
