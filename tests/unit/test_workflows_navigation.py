"""Back to an earlier step of the path (`toStep`, a summary's "Change" links) and the answers
that still apply once the visitor changes one that sends the session another way
(workflows/navigation.py, through the engine), on both versions of trex."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import pytest

from tests.support.answers import VALID_ANSWERS
from workflows import navigation
from workflows.engine import Engine, Go, SessionState
from workflows.model import SessionStatus, Workflow
from workflows.navigation import CANNOT_GO_BACK, NOT_ON_PATH, BackRefused
from workflows.registry import definition
from workflows.rules import Lookups

VERSIONS = [definition("trex", 1), definition("trex", 2)]
V1 = VERSIONS[0]
ENGINE = Engine(V1)
BUYING = ("intent_selection", "vehicle_knowledge", "vehicle_search", "search_results")
TO_CONFIRMATION = (*BUYING, "vehicle_selection", "buying_confirmation")


def at(*path: str, answers: Mapping[str, Mapping[str, object]] | None = None) -> SessionState:
    given = answers if answers is not None else {step: {"x": 1} for step in path[:-1]}
    return SessionState(path[-1], SessionStatus.ACTIVE, given, path)


def answer(
    engine: Engine, state: SessionState, data: Mapping[str, object], lookups: Lookups, today: date
) -> SessionState:
    """Submit `data` over the step's valid sample, as the service does."""
    step_id = state.current_step
    go = engine.decide(
        state, step_id, {**VALID_ANSWERS[step_id], **data}, lookups=lookups, today=today
    )
    assert isinstance(go, Go), go
    return engine.advance(state, go.values, go.target)


def walk(
    engine: Engine, lookups: Lookups, today: date, *inputs: Mapping[str, object]
) -> SessionState:
    state = engine.start(None)
    for data in inputs:
        state = answer(engine, state, data, lookups, today)
    return state


TO_SUMMARY: tuple[Mapping[str, object], ...] = (
    {"intent": "buying"},
    {"knows_vehicle": True},
    {},
    {},
    {"confirm": True},
)


# --- back_path -----------------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", VERSIONS, ids=lambda w: f"v{w.version}")
@pytest.mark.parametrize("to_step", TO_CONFIRMATION[:-1])
def test_to_step_jumps_back_to_any_earlier_step_of_the_path(
    workflow: Workflow, to_step: str
) -> None:
    path = navigation.back_path(workflow, TO_CONFIRMATION, to_step)
    assert path == TO_CONFIRMATION[: TO_CONFIRMATION.index(to_step) + 1]


def test_without_to_step_back_is_the_previous_step() -> None:
    assert navigation.back_path(V1, TO_CONFIRMATION) == TO_CONFIRMATION[:-1]
    assert navigation.back_path(V1, TO_CONFIRMATION, "vehicle_selection") == TO_CONFIRMATION[:-1]


@pytest.mark.parametrize(
    "to_step",
    [
        "",
        "buying_confirmation",
        "buying_complete",
        "carin_questions",
        "no_such_step",
        "x" * 100_000,
    ],
    ids=["empty", "the current step", "later", "off the path", "unknown", "huge"],
)
def test_a_step_that_is_not_earlier_on_the_path_is_not_on_path(to_step: str) -> None:
    refused = navigation.back_path(V1, TO_CONFIRMATION, to_step)
    assert isinstance(refused, BackRefused)
    assert refused.code == NOT_ON_PATH
    assert 0 < len(refused.reason) < 120
    assert not to_step or to_step[:50] not in refused.reason


CROSSING = {
    "a submitted lead": (
        ("has_buyer", "buyer_type", "dealer_information", "replacement_check", "vehicle_knowledge"),
        "buyer_type",
        "submitted request",
    ),
    "a requested credit check": (
        ("financing_needs", "credit_check", "credit_check_pending", "selling_confirmation"),
        "financing_needs",
        "submitted request",
    ),
    "a pending step": (
        ("credit_check_pending", "selling_confirmation"),
        "credit_check_pending",
        "waiting",
    ),
    "a terminal": (
        ("buying_confirmation", "buying_complete", "vehicle_knowledge"),
        "buying_complete",
        "end",
    ),
}


@pytest.mark.parametrize(("path", "to_step", "said"), list(CROSSING.values()), ids=list(CROSSING))
def test_never_across_a_commit_a_pending_step_or_an_end(
    path: tuple[str, ...], to_step: str, said: str
) -> None:
    refused = navigation.back_path(V1, path, to_step)
    assert isinstance(refused, BackRefused), refused
    assert refused.code == CANNOT_GO_BACK
    assert said in refused.reason


def test_from_a_step_that_forbids_back_nothing_is_earlier() -> None:
    for path in (("intent_selection",), ("selling_confirmation", "replacement_check")):
        refused = navigation.back_path(V1, path, path[0])
        assert refused == navigation.FORBIDDEN
    assert navigation.back_path(V1, ("vehicle_knowledge",)) == navigation.FIRST


def test_the_engine_goes_back_with_the_answers_kept_and_says_why_not() -> None:
    state = at(*TO_CONFIRMATION)
    back = ENGINE.going_back(state, "vehicle_search")
    assert isinstance(back, SessionState)
    assert (back.current_step, back.path, back.status) == (
        "vehicle_search",
        TO_CONFIRMATION[:3],
        SessionStatus.ACTIVE,
    )
    assert back.answers == state.answers
    assert ENGINE.back(state, "buying_complete") is None
    assert ENGINE.going_back(state, "buying_complete") == navigation.NOT_EARLIER
    assert ENGINE.can_go_back(state)


# --- what still applies --------------------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_changing_a_choice_that_sends_the_session_elsewhere_drops_the_steps_left_behind(
    version: int, fake_lookups: Lookups, fixed_today: date
) -> None:
    engine = Engine(definition("trex", version))
    summary = walk(engine, fake_lookups, fixed_today, *TO_SUMMARY)
    assert summary.current_step == "buying_confirmation"
    back = engine.back(summary, "vehicle_knowledge")
    assert back is not None
    assert back.answers == summary.answers

    carin = answer(engine, back, {"knows_vehicle": False}, fake_lookups, fixed_today)

    assert carin.current_step == "carin_questions"
    # The search and its results are no longer on any way ahead; the selection still is (the
    # CarIn results lead to it) and so is the intent, before the change.
    assert set(carin.answers) == {"intent_selection", "vehicle_knowledge", "vehicle_selection"}
    assert carin.answers["vehicle_knowledge"] == {"knows_vehicle": False}
    assert engine.values_for(carin, "vehicle_selection") == {"confirm": True}


def test_an_answer_that_keeps_the_route_keeps_every_answer(
    fake_lookups: Lookups, fixed_today: date
) -> None:
    summary = walk(ENGINE, fake_lookups, fixed_today, *TO_SUMMARY)
    back = ENGINE.back(summary, "vehicle_search")
    assert back is not None

    results = answer(ENGINE, back, {"make": "Honda", "model": "Civic"}, fake_lookups, fixed_today)

    assert results.current_step == "search_results"
    assert set(results.answers) == set(summary.answers)
    assert results.answers["vehicle_search"]["make"] == "Honda"
    assert results.answers["vehicle_selection"] == summary.answers["vehicle_selection"]
    # Walking on shows the later answers prefilled, and the summary is reached again.
    assert ENGINE.values_for(results, "search_results") == {"vehicle_id": "veh-001"}
    again = answer(ENGINE, results, {}, fake_lookups, fixed_today)
    again = answer(
        ENGINE, again, ENGINE.values_for(again, "vehicle_selection"), fake_lookups, fixed_today
    )
    assert again.current_step == "buying_confirmation"


def test_the_plain_back_is_dependency_aware_too(fake_lookups: Lookups, fixed_today: date) -> None:
    """The selling side: back from the credit check to the financing question, answered no."""
    state = walk(
        ENGINE,
        fake_lookups,
        fixed_today,
        {"intent": "selling"},
        {"has_buyer": True},
        {"buyer_type": "private"},
        {},
        {"needs_financing": True},
    )
    assert state.current_step == "credit_check"
    state = replace(state, answers={**state.answers, "credit_check": {"first_name": "Sam"}})
    back = ENGINE.back(state)
    assert back is not None
    assert back.current_step == "financing_needs"

    confirming = answer(ENGINE, back, {"needs_financing": False}, fake_lookups, fixed_today)

    assert confirming.current_step == "selling_confirmation"
    assert "credit_check" not in confirming.answers  # its details no longer prefill the summary
    assert {"has_buyer", "buyer_type", "private_buyer_details"} <= confirming.answers.keys()


def test_answers_a_host_page_gave_at_the_start_stay(
    fake_lookups: Lookups, fixed_today: date
) -> None:
    state = ENGINE.start("buying")
    assert state.path == ("vehicle_knowledge",)
    state = answer(ENGINE, state, {"knows_vehicle": True}, fake_lookups, fixed_today)
    assert state.answers["intent_selection"] == {"intent": "buying"}


def test_a_return_to_keeps_the_steps_it_comes_back_from() -> None:
    """'No, back to the list' truncates the path; the selection stays reachable."""
    state = at(*BUYING, "vehicle_selection")
    kept = navigation.still_applying(V1, state.answers, "vehicle_selection", BUYING)
    assert kept is None


def test_reachability_follows_the_path_through_return_to() -> None:
    search_side = navigation.reachable(V1, ("vehicle_knowledge", "vehicle_search"))
    carin_side = navigation.reachable(V1, ("vehicle_knowledge", "carin_questions"))

    assert {"search_results", "vehicle_selection", "buying_complete"} <= search_side
    assert not {"carin_questions", "carin_results"} & search_side
    assert not {"vehicle_search", "search_results"} & carin_side
    assert navigation.reachable(V1, ()) == frozenset()


def test_a_walk_too_large_to_follow_keeps_what_the_plain_graph_reaches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(navigation, "MAX_WALK_STATES", 1)
    found = navigation.reachable(V1, ("vehicle_knowledge", "carin_questions"))
    assert {"carin_questions", "carin_results", "vehicle_search"} <= found
