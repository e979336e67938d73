"""The pure engine: start, choose/resolve, advance/move, back, prefill, progress, resume, walks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Protocol

import pytest

from tests.support.answers import VALID_ANSWERS
from workflows.engine import (
    Engine,
    Go,
    NoInput,
    NotCurrent,
    Refused,
    SessionState,
    UnknownWorkflowType,
)
from workflows.model import FieldType, Goto, Op, ReturnTo, SessionStatus, Step, Target
from workflows.registry import definition
from workflows.rules import Lookups

WORKFLOW = definition("trex", 1)
ENGINE = Engine(WORKFLOW)
ACTIVE, WAITING, SUBMITTED = SessionStatus.ACTIVE, SessionStatus.WAITING, SessionStatus.SUBMITTED
RESUME = None  # a walk input meaning "the awaited outcome arrived"
RETURN = ReturnTo(("search_results", "carin_results"))
APPLICANT = VALID_ANSWERS["credit_check"]


class Walk(Protocol):
    def __call__(
        self, workflow_type: str | None, *inputs: Mapping[str, object] | None
    ) -> list[SessionState]: ...


@pytest.fixture
def walk(
    valid_answers: dict[str, dict[str, object]], fake_lookups: Lookups, fixed_today: date
) -> Walk:
    """Starts a session, submits each input merged into the step's valid sample (validated as the
    service does, RESUME on a pending step) and returns every state, the start included."""

    def run(workflow_type: str | None, *inputs: Mapping[str, object] | None) -> list[SessionState]:
        states = [ENGINE.start(workflow_type)]
        for given in inputs:
            state = states[-1]
            if given is RESUME:
                resumed = ENGINE.resume(state)
                assert resumed is not None, f"{state.current_step} awaits nothing"
                states.append(resumed)
                continue
            step_id = state.current_step
            data = {**valid_answers[step_id], **given}
            go = ENGINE.decide(state, step_id, data, lookups=fake_lookups, today=fixed_today)
            assert isinstance(go, Go), f"{step_id}: {go}"
            assert go.effects == WORKFLOW.step(step_id).effects
            states.append(ENGINE.advance(state, go.values, go.target))
        return states

    return run


def steps_of(states: list[SessionState]) -> list[str]:
    return [state.current_step for state in states]


def at(step_id: str, *before: str) -> SessionState:
    path = (*before, step_id)
    return SessionState(step_id, ACTIVE, {}, path)


Inputs = tuple[Mapping[str, object] | None, ...]
SELLING_PRIVATE: Inputs = ({"has_buyer": True}, {"buyer_type": "private"}, {})
NO_FINANCING: Inputs = (
    *SELLING_PRIVATE,
    {"needs_financing": False},
    {"first_name": "Sam", "zip": "30301"},
)


# --- decide ------------------------------------------------------------------------------------


def test_decide_refuses_an_answer_for_another_step_than_the_current_one(
    fake_lookups: Lookups, fixed_today: date
) -> None:
    state = ENGINE.start("buying")
    found = ENGINE.decide(state, "intent_selection", {}, lookups=fake_lookups, today=fixed_today)
    assert found == NotCurrent("vehicle_knowledge")


def test_decide_refuses_input_to_a_pending_or_terminal_step(
    fake_lookups: Lookups, fixed_today: date
) -> None:
    for step_id in ("credit_check_pending", "selling_complete"):
        found = ENGINE.decide(at(step_id), step_id, {}, lookups=fake_lookups, today=fixed_today)
        assert found == NoInput(WORKFLOW.step(step_id))


def test_decide_lists_every_failing_field_and_decides_nothing_else(
    fake_lookups: Lookups, fixed_today: date
) -> None:
    state = at("carin_questions", "vehicle_knowledge")
    data = {"passengers": 0}
    found = ENGINE.decide(state, "carin_questions", data, lookups=fake_lookups, today=fixed_today)
    assert isinstance(found, Refused)
    assert {error.field for error in found.errors} == {"budget_max", "primary_use", "passengers"}


def test_rejected_sends_the_session_where_the_step_says_or_nowhere(walk: Walk) -> None:
    *_, confirming = walk("buying", {"knows_vehicle": True}, {}, {}, {"confirm": True})
    assert confirming.current_step == "buying_confirmation"
    back_to = ENGINE.rejected(confirming, WORKFLOW.step("buying_confirmation"))
    assert back_to is not None
    assert back_to.current_step == "search_results"
    assert ENGINE.rejected(at("has_buyer"), WORKFLOW.step("has_buyer")) is None


# --- start ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("workflow_type", "first", "answers"),
    [
        (None, "intent_selection", {}),
        ("buying", "vehicle_knowledge", {"intent_selection": {"intent": "buying"}}),
        ("selling", "has_buyer", {"intent_selection": {"intent": "selling"}}),
    ],
)
def test_start_opens_the_entry_step_and_records_a_known_intent(
    workflow_type: str | None, first: str, answers: dict[str, object]
) -> None:
    state = ENGINE.start(workflow_type)

    assert (state.current_step, state.path, state.status) == (first, (first,), ACTIVE)
    assert state.answers == answers


@pytest.mark.parametrize("workflow_type", ["renting", "BUYING", ""])
def test_start_with_an_unknown_type_raises(workflow_type: str) -> None:
    with pytest.raises(UnknownWorkflowType):
        ENGINE.start(workflow_type)


# --- choose and resolve --------------------------------------------------------------------------


def _satisfying(op: Op, value: object) -> object:
    return {Op.IS_TRUE: True, Op.IS_FALSE: False, Op.PRESENT: 2}.get(op, value)


GUARDS = [
    pytest.param(step, n, id=f"{step.id}#{n}")
    for step in WORKFLOW.steps.values()
    for n in range(len(step.guards))
]


@pytest.mark.parametrize(("step", "index"), GUARDS)
def test_each_guard_leads_to_its_target_when_its_condition_holds(step: Step, index: int) -> None:
    guard = step.guards[index]
    values = {guard.when.field: _satisfying(guard.when.op, guard.when.value)}

    assert ENGINE.choose(step, values) == guard.target


def _answers(step: Step, name: str) -> list[object]:
    spec = step.field_named(name)
    assert spec is not None
    if spec.type is FieldType.BOOLEAN:
        return [True, False]
    return [option.value for option in spec.options] or [None, 2]


CHOICE_STEPS = [pytest.param(s, id=s.id) for s in WORKFLOW.steps.values() if s.guards]


@pytest.mark.parametrize("step", CHOICE_STEPS)
def test_every_answer_of_a_choice_routes_and_every_exit_is_used(step: Step) -> None:
    names = {guard.when.field for guard in step.guards}
    chosen = {ENGINE.choose(step, {name: a}) for name in names for a in _answers(step, name)}

    assert chosen == {guard.target for guard in step.guards} | {step.default}


@pytest.mark.parametrize(
    "step", [pytest.param(s, id=s.id) for s in WORKFLOW.steps.values() if not s.guards]
)
def test_a_step_without_guards_follows_its_default(step: Step) -> None:
    if step.terminal:
        assert step.default is None
    else:
        assert ENGINE.choose(step, {}) == step.default


@pytest.mark.parametrize(
    ("target", "path", "expected"),
    [
        (RETURN, ("vehicle_search", "search_results", "vehicle_selection"), "search_results"),
        (RETURN, ("carin_questions", "carin_results", "vehicle_selection"), "carin_results"),
        (RETURN, ("search_results", "vehicle_knowledge", "carin_results", "x"), "carin_results"),
        (RETURN, ("carin_results", "vehicle_knowledge", "search_results", "x"), "search_results"),
        (RETURN, ("has_buyer",), "search_results"),
        (Goto("buying_complete"), ("carin_results",), "buying_complete"),
    ],
)
def test_resolve_returns_to_the_most_recent_results_step_or_goes_to_the_named_one(
    target: Target, path: tuple[str, ...], expected: str
) -> None:
    assert ENGINE.resolve(target, path) == expected


def test_a_rejected_buying_lead_returns_to_the_results_it_came_from(walk: Walk) -> None:
    states = walk("buying", {"knows_vehicle": False}, {}, {}, {})
    step = WORKFLOW.step(states[-1].current_step)

    assert step.id == "buying_confirmation"
    assert step.on_reject is not None
    target = ENGINE.resolve(step.on_reject, states[-1].path)
    back_at_results = ENGINE.move(states[-1], target)
    assert back_at_results.path == ("vehicle_knowledge", "carin_questions", "carin_results")


# --- advance and move ----------------------------------------------------------------------------


def test_advance_stores_the_answers_but_never_the_ssn(walk: Walk) -> None:
    states = walk("selling", *SELLING_PRIVATE, {"needs_financing": True}, {})
    stored = states[-1].answers["credit_check"]

    assert states[-1].current_step == "credit_check_pending"
    assert "ssn" not in stored
    assert stored["full_name"] == APPLICANT["full_name"]
    assert stored["date_of_birth"] == APPLICANT["date_of_birth"]
    assert APPLICANT["ssn"] not in repr(states[-1])


def test_returning_to_a_step_on_the_path_truncates_it_and_a_self_loop_keeps_it(
    walk: Walk,
) -> None:
    page_refine_confirm_no: Inputs = ({"page": 2}, {"refine": True}, {}, {}, {"confirm": False})
    states = walk("buying", {"knows_vehicle": True}, {}, *page_refine_confirm_no)
    searched = ("vehicle_knowledge", "vehicle_search", "search_results")

    assert steps_of(states) == [
        *searched,
        "search_results",  # page 2: the same step again
        "vehicle_search",  # refine: back on the path
        "search_results",
        "vehicle_selection",
        "search_results",  # not this one: back to the list
    ]
    assert [state.path for state in states[2:]] == [
        searched,
        searched,
        searched[:2],
        searched,
        (*searched, "vehicle_selection"),
        searched,
    ]


# --- back ----------------------------------------------------------------------------------------


def test_back_pops_the_path_and_keeps_the_answers(walk: Walk) -> None:
    states = walk(None, {"intent": "buying"}, {"knows_vehicle": True})
    previous = ENGINE.back(states[-1])

    assert previous is not None
    assert (previous.current_step, previous.status) == ("vehicle_knowledge", ACTIVE)
    assert previous.path == ("intent_selection", "vehicle_knowledge")
    assert ENGINE.values_for(previous, "vehicle_knowledge") == {"knows_vehicle": True}


BACK = {
    "first step": (at("intent_selection"), None),
    "first step of a known intent": (at("vehicle_knowledge"), None),
    "pending step": (at("credit_check_pending", "credit_check"), None),
    "after a pending step": (at("selling_confirmation", "credit_check_pending"), None),
    "after a submitted lead": (at("replacement_check", "dealer_information"), None),
    "terminal": (at("buying_complete", "buying_confirmation"), None),
    "after the replacement question": (
        at("vehicle_knowledge", "replacement_check"),
        "replacement_check",
    ),
    "after a choice": (at("selling_confirmation", "financing_needs"), "financing_needs"),
    "after the selection": (at("buying_confirmation", "vehicle_selection"), "vehicle_selection"),
    "after the intent": (at("has_buyer", "intent_selection"), "intent_selection"),
}


@pytest.mark.parametrize(("state", "previous"), list(BACK.values()), ids=list(BACK))
def test_back_is_allowed_only_where_the_flow_says(
    state: SessionState, previous: str | None
) -> None:
    went_back = ENGINE.back(state)

    assert ENGINE.can_go_back(state) is (previous is not None)
    assert (went_back.current_step if went_back else None) == previous


def test_back_never_crosses_a_committing_step() -> None:
    """replacement_check forbids back itself; allowed there, the committed sale still blocks it."""
    lenient = replace(WORKFLOW.step("replacement_check"), can_go_back=True)
    engine = Engine(replace(WORKFLOW, steps={**WORKFLOW.steps, lenient.id: lenient}))

    for committed in ("selling_confirmation", "dealer_information", "dealer_confirmation"):
        assert WORKFLOW.step(committed).commits
        assert engine.back(at("replacement_check", committed)) is None
    assert engine.back(at("replacement_check", "financing_needs")) is not None


# --- values_for ----------------------------------------------------------------------------------


def test_own_answers_win_over_prefill_and_only_the_steps_fields_are_given() -> None:
    answers = {
        "selling_confirmation": {"first_name": "Sam", "zip": "30301", "vehicle_id": "veh-001"},
        "vehicle_search": {"zip": "10001", "make": "Toyota"},
        "buying_confirmation": {"first_name": "Bea"},
    }
    state = SessionState("buying_confirmation", ACTIVE, answers, ("buying_confirmation",))

    assert ENGINE.values_for(state, "buying_confirmation") == {"first_name": "Bea", "zip": "30301"}


def test_secret_fields_are_never_returned() -> None:
    answers = {"credit_check": {"full_name": "Ana Silva", "ssn": "123456789"}}
    state = SessionState("credit_check", ACTIVE, answers, ("credit_check",))

    assert ENGINE.values_for(state, "credit_check") == {"full_name": "Ana Silva"}


def test_selling_confirmation_is_prefilled_from_the_applicant_without_secrets(walk: Walk) -> None:
    states = walk("selling", *SELLING_PRIVATE, {"needs_financing": True}, {}, RESUME)

    assert states[-1].current_step == "selling_confirmation"
    assert ENGINE.values_for(states[-1], "selling_confirmation") == {"zip": APPLICANT["zip"]}


def test_replacement_buying_is_prefilled_with_the_sellers_contact_details(walk: Walk) -> None:
    to_confirmation: Inputs = (
        {"wants_replacement": True},
        {"knows_vehicle": True},
        {"zip": "10001"},
    )
    states = walk("selling", *NO_FINANCING, *to_confirmation, {}, {})
    selling = states[-1].answers["selling_confirmation"]

    assert states[-1].current_step == "buying_confirmation"
    assert ENGINE.values_for(states[-1], "buying_confirmation") == selling
    assert selling["first_name"] == "Sam"
    assert selling["zip"] == "30301"  # not the search's 10001


# --- progress, next step, resume -----------------------------------------------------------------


def test_progress_counts_the_path_and_ends_at_zero(walk: Walk) -> None:
    states = walk("selling", *SELLING_PRIVATE, {"needs_financing": True}, {}, RESUME, {}, {})

    for state in states:
        progress = ENGINE.progress(state)
        assert progress.steps_done == len(state.path) - 1
        assert 0 <= progress.min_remaining <= progress.max_remaining
    final = ENGINE.progress(states[-1])
    assert (final.min_remaining, final.max_remaining) == (0, 0)
    assert final.steps_done == 8


UNCONDITIONAL = {
    "vehicle_search": "search_results",
    "carin_questions": "carin_results",
    "buying_confirmation": "buying_complete",
    "private_buyer_details": "financing_needs",
    "credit_check": "credit_check_pending",
    "credit_check_pending": "selling_confirmation",
    "selling_confirmation": "replacement_check",
    "dealer_information": "replacement_check",
    "dealer_network": "credit_consent",
    "credit_consent": "dealer_confirmation",
    "dealer_confirmation": "replacement_check",
}


@pytest.mark.parametrize("step_id", list(WORKFLOW.steps))
def test_next_step_id_is_given_only_when_it_does_not_depend_on_the_answer(step_id: str) -> None:
    assert ENGINE.next_step_id(WORKFLOW.step(step_id)) == UNCONDITIONAL.get(step_id)


def test_resume_moves_a_pending_session_to_its_default() -> None:
    resumed = ENGINE.resume(at("credit_check_pending", "credit_check"))

    assert resumed is not None
    assert (resumed.current_step, resumed.status) == ("selling_confirmation", ACTIVE)
    assert resumed.path == ("credit_check", "credit_check_pending", "selling_confirmation")


@pytest.mark.parametrize("step_id", [s for s in WORKFLOW.steps if s != "credit_check_pending"])
def test_resume_elsewhere_is_none(step_id: str) -> None:
    assert ENGINE.resume(at(step_id, "intent_selection")) is None


# --- complete walks ------------------------------------------------------------------------------

WALKS: dict[str, tuple[str | None, Inputs, str]] = {
    "buying via search": (
        None,
        ({"intent": "buying"}, {"knows_vehicle": True}, {}, {}, {}, {}),
        "intent_selection vehicle_knowledge vehicle_search search_results vehicle_selection "
        "buying_confirmation buying_complete",
    ),
    "buying via CarIn": (
        "buying",
        ({"knows_vehicle": False}, {}, {}, {}, {}),
        "vehicle_knowledge carin_questions carin_results vehicle_selection buying_confirmation "
        "buying_complete",
    ),
    "private sale with financing": (
        "selling",
        (*SELLING_PRIVATE, {"needs_financing": True}, {}, RESUME, {}, {}),
        "has_buyer buyer_type private_buyer_details financing_needs credit_check "
        "credit_check_pending selling_confirmation replacement_check selling_complete",
    ),
    "private sale without financing": (
        "selling",
        (*NO_FINANCING, {}),
        "has_buyer buyer_type private_buyer_details financing_needs selling_confirmation "
        "replacement_check selling_complete",
    ),
    "dealer sale": (
        "selling",
        ({"has_buyer": True}, {"buyer_type": "dealer"}, {}, {}),
        "has_buyer buyer_type dealer_information replacement_check selling_complete",
    ),
    "dealer network": (
        None,
        ({"intent": "selling"}, {"has_buyer": False}, {}, {"consent": False}, {}, {}),
        "intent_selection has_buyer dealer_network credit_consent dealer_confirmation "
        "replacement_check selling_complete",
    ),
    "replacement loop into buying": (
        "selling",
        (*NO_FINANCING, {"wants_replacement": True}, {"knows_vehicle": True}, {}, {}, {}, {}),
        "has_buyer buyer_type private_buyer_details financing_needs selling_confirmation "
        "replacement_check vehicle_knowledge vehicle_search search_results vehicle_selection "
        "buying_confirmation buying_complete",
    ),
}


def _status_expected(step_id: str) -> SessionStatus:
    if step_id == "credit_check_pending":
        return WAITING
    return SUBMITTED if step_id in ("buying_complete", "selling_complete") else ACTIVE


@pytest.mark.parametrize(
    ("workflow_type", "inputs", "expected"), list(WALKS.values()), ids=list(WALKS)
)
def test_complete_walk_visits_the_flow_steps_with_their_statuses(
    workflow_type: str | None, inputs: Inputs, expected: str, walk: Walk
) -> None:
    states = walk(workflow_type, *inputs)

    assert [(state.current_step, state.status) for state in states] == [
        (step, _status_expected(step)) for step in expected.split()
    ]
    assert states[-1].path[-1] == states[-1].current_step
