"""The step graph (edges, distances to the end, Mermaid export) and the pure format checks."""

from __future__ import annotations

import re
from datetime import date

import pytest

from workflows.checks import age_on, vin_check_digit, vin_check_digit_ok
from workflows.graph import Graph, target_steps, to_mermaid
from workflows.model import Component, Condition, Goto, Guard, Op, Step, Workflow
from workflows.registry import definition

WORKFLOW = definition("trex", 1)
GRAPH = Graph(WORKFLOW)
MERMAID = to_mermaid(WORKFLOW)
EDGE = re.compile(r"^ {4}(\w+) (-->|-\.->)(?:\|([^|]*)\|)? (\w+)$")


def mermaid_edges(text: str) -> dict[tuple[str, str], set[str]]:
    """(source, target) → the labels drawn on that link ('' when unlabelled)."""
    edges: dict[tuple[str, str], set[str]] = {}
    for line in text.splitlines():
        if found := EDGE.match(line):
            source, _, label, target = found.groups()
            edges.setdefault((source, target), set()).add(label or "")
    return edges


def defined_edges(workflow: Workflow) -> set[tuple[str, str]]:
    return {
        (step.id, target)
        for step in workflow.steps.values()
        for transition in step.targets()
        for target in target_steps(transition)
    }


# --- Mermaid -------------------------------------------------------------------------------------


def test_mermaid_is_a_top_down_flowchart() -> None:
    assert MERMAID.splitlines()[0] == "flowchart TD"
    assert MERMAID.endswith("\n")


@pytest.mark.parametrize("step_id", list(WORKFLOW.steps))
def test_mermaid_declares_every_step_once(step_id: str) -> None:
    declared = [
        line for line in MERMAID.splitlines() if re.match(rf"^ {{4}}{step_id}[\[({{]", line)
    ]

    assert len(declared) == 1
    assert f"{step_id} · {WORKFLOW.step(step_id).component.value}" in declared[0]


def test_mermaid_draws_exactly_the_defined_edges() -> None:
    assert set(mermaid_edges(MERMAID)) == defined_edges(WORKFLOW)


def test_mermaid_draws_each_entry() -> None:
    for first in WORKFLOW.entries.values():
        assert re.search(rf'^ {{4}}start_\w+\(\("[^"]*"\)\) --> {first}$', MERMAID, re.M)


@pytest.mark.parametrize("step_id", list(WORKFLOW.steps))
def test_terminal_steps_are_stadium_nodes(step_id: str) -> None:
    stadium = re.search(rf'^ {{4}}{step_id}\(\["[^\n]*"\]\)$', MERMAID, re.M)

    assert (stadium is not None) == WORKFLOW.step(step_id).terminal


@pytest.mark.parametrize(
    ("source", "target", "label"),
    [
        ("intent_selection", "vehicle_knowledge", "intent = buying"),
        ("intent_selection", "has_buyer", "otherwise"),
        ("vehicle_knowledge", "vehicle_search", "knows_vehicle = true"),
        ("buyer_type", "private_buyer_details", "buyer_type = private"),
        ("search_results", "vehicle_search", "refine = true"),
        ("search_results", "search_results", "page given"),
        ("credit_check_pending", "selling_confirmation", "result"),
        ("buying_confirmation", "carin_results", "rejected"),
        ("vehicle_search", "search_results", ""),
    ],
)
def test_guarded_edges_carry_their_condition(source: str, target: str, label: str) -> None:
    assert label in mermaid_edges(MERMAID)[(source, target)]


def test_every_guard_is_labelled() -> None:
    labels = mermaid_edges(MERMAID)
    for step in WORKFLOW.steps.values():
        for guard in step.guards:
            for target in target_steps(guard.target):
                assert any(guard.when.field in label for label in labels[(step.id, target)])


def test_an_is_false_guard_is_labelled_false() -> None:
    ask = Step(
        "ask",
        Component.CHOICE,
        "Ask",
        guards=(Guard(Condition("declined", Op.IS_FALSE), Goto("done")),),
        default=Goto("done"),
    )
    done = Step("done", Component.COMPLETION, "Done", terminal=True)
    workflow = Workflow("tiny", 1, {"ask": ask, "done": done}, {None: "ask"})

    assert "declined = false" in mermaid_edges(to_mermaid(workflow))[("ask", "done")]


# --- edges and distances -------------------------------------------------------------------------


def test_forward_edges_leave_out_self_loops_and_rejections() -> None:
    assert GRAPH.edges["search_results"] == {"vehicle_search", "vehicle_selection"}
    assert GRAPH.edges["buying_confirmation"] == {"buying_complete"}
    assert GRAPH.edges["vehicle_selection"] == {
        "buying_confirmation",
        "search_results",
        "carin_results",
    }


# Counted by hand on FLOWS.md: steps still to show, the terminal one included; max over paths
# that show no step twice (the replacement loop runs the buying flow once more).
REMAINING = {
    "buying_complete": (0, 0),
    "selling_complete": (0, 0),
    "buying_confirmation": (1, 1),
    "vehicle_selection": (2, 2),
    "search_results": (3, 3),
    "vehicle_search": (4, 4),
    "vehicle_knowledge": (5, 5),
    "replacement_check": (1, 6),
    "dealer_information": (2, 7),
    "selling_confirmation": (2, 7),
    "credit_check_pending": (3, 8),
    "credit_check": (4, 9),
    "dealer_network": (4, 9),
    "has_buyer": (4, 13),
    "intent_selection": (5, 14),
}


@pytest.mark.parametrize(("step_id", "expected"), list(REMAINING.items()))
def test_min_and_max_remaining_match_the_flow(step_id: str, expected: tuple[int, int]) -> None:
    assert (GRAPH.min_remaining[step_id], GRAPH.max_remaining[step_id]) == expected


def test_every_step_has_min_at_most_max_and_only_terminals_are_at_zero() -> None:
    for step_id, step in WORKFLOW.steps.items():
        low, high = GRAPH.min_remaining[step_id], GRAPH.max_remaining[step_id]
        assert 0 <= low <= high
        assert (high == 0) == step.terminal


# --- checks: VIN check digit, age ----------------------------------------------------------------

REAL_VINS = [
    "1HGCM82633A004352",  # Honda Accord 2003, the usual example
    "1M8GDM9AXKP042788",  # a check digit of X
    "5GZCZ43D13S812715",  # Saturn Vue 2003
    "JH4KA7561PC008269",  # Acura Legend 1993
    "11111111111111111",
]


@pytest.mark.parametrize("vin", REAL_VINS)
def test_real_vins_carry_a_valid_check_digit(vin: str) -> None:
    assert vin_check_digit(vin) == vin[8]
    assert vin_check_digit_ok(vin)


@pytest.mark.parametrize("vin", REAL_VINS)
def test_any_other_check_digit_is_wrong(vin: str) -> None:
    for digit in "0123456789X":
        if digit != vin[8]:
            assert not vin_check_digit_ok(vin[:8] + digit + vin[9:])


def test_a_single_typo_changes_the_check_digit() -> None:
    assert not vin_check_digit_ok("1HGCM82633A004353")
    assert not vin_check_digit_ok("2HGCM82633A004352")


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(2000, 6, 15), date(2018, 6, 14), 17),
        (date(2000, 6, 15), date(2018, 6, 15), 18),
        (date(2000, 6, 15), date(2018, 6, 16), 18),
        (date(2000, 12, 31), date(2019, 1, 1), 18),
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2000, 2, 29), date(2020, 2, 28), 19),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
        (date(2000, 3, 1), date(2020, 2, 29), 19),
        (date(1926, 6, 15), date(2026, 6, 15), 100),
    ],
)
def test_age_on_counts_whole_years_around_birthdays_and_feb_29(
    born: date, today: date, age: int
) -> None:
    assert age_on(born, today) == age
