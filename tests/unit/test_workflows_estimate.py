"""The time left: the medians (or the components' defaults) of the steps on the shortest way to
the end, and how it reads."""

from __future__ import annotations

import pytest

from workflows.engine import Engine
from workflows.estimate import (
    CHOICE_SECONDS,
    DEFAULT_SECONDS,
    FORM_SECONDS,
    RESULTS_SECONDS,
    remaining_text,
    seconds_remaining,
)
from workflows.graph import Graph
from workflows.model import Component
from workflows.registry import definition

WORKFLOW = definition("trex", 1)
GRAPH = Graph(WORKFLOW)
ENGINE = Engine(WORKFLOW)


def test_every_component_has_a_default_and_a_terminal_step_takes_none() -> None:
    assert set(DEFAULT_SECONDS) == set(Component)
    assert DEFAULT_SECONDS[Component.COMPLETION] == 0
    terminal = [sid for sid, step in WORKFLOW.steps.items() if step.terminal]
    assert terminal
    assert all(seconds_remaining(GRAPH, sid) == 0 for sid in terminal)


def test_without_history_the_defaults_of_the_shortest_way_add_up() -> None:
    # vehicle_search → search_results → vehicle_selection → buying_confirmation → completion:
    # a form, a list, a review and the contact form; the completion asks nothing.
    assert GRAPH.min_remaining["vehicle_search"] == 4
    expected = FORM_SECONDS + RESULTS_SECONDS + DEFAULT_SECONDS[Component.VEHICLE_SELECTION]
    expected += DEFAULT_SECONDS[Component.CONTACT_CONFIRMATION]
    assert seconds_remaining(GRAPH, "vehicle_search") == expected
    # One choice more before it.
    assert seconds_remaining(GRAPH, "vehicle_knowledge") == CHOICE_SECONDS + expected


def test_medians_replace_the_defaults_of_their_steps_only() -> None:
    base = seconds_remaining(GRAPH, "vehicle_search")
    medians = {"vehicle_search": 12.4, "search_results": 3.0, "unrelated_step": 999.0}

    found = seconds_remaining(GRAPH, "vehicle_search", medians)

    assert found == round(base - FORM_SECONDS - RESULTS_SECONDS + 12.4 + 3.0)


def test_where_shortest_ways_tie_the_quickest_counts() -> None:
    # Knowing the vehicle or not, the search and the CarIn questions are both four steps from
    # an end: the quicker way counts, and a slow median moves the estimate to the other.
    search = seconds_remaining(GRAPH, "vehicle_search")
    carin = seconds_remaining(GRAPH, "carin_questions")
    assert GRAPH.min_remaining["vehicle_search"] == GRAPH.min_remaining["carin_questions"]
    assert seconds_remaining(GRAPH, "vehicle_knowledge") == CHOICE_SECONDS + min(search, carin)

    slow = seconds_remaining(GRAPH, "vehicle_knowledge", {"vehicle_search": 10_000.0})
    assert slow == CHOICE_SECONDS + carin


def test_the_estimate_falls_along_the_shortest_way() -> None:
    step, seen = WORKFLOW.entries["buying"], []
    while GRAPH.min_remaining[step] > 0:
        seen.append(seconds_remaining(GRAPH, step))
        left = GRAPH.min_remaining[step]
        step = min(n for n in GRAPH.edges[step] if GRAPH.min_remaining[n] == left - 1)
    seen.append(seconds_remaining(GRAPH, step))
    assert seen == sorted(seen, reverse=True)
    assert len(set(seen)) == len(seen)
    assert seen[-1] == 0


@pytest.mark.parametrize(
    ("steps_left", "seconds", "text"),
    [
        (0, 0, "Almost done"),
        (0, 500, "Almost done"),
        (1, 0, "Less than a minute left"),
        (1, 59, "Less than a minute left"),
        (2, 60, "About 1 minute left"),
        (3, 110, "About 2 minutes left"),
        (5, 215, "About 4 minutes left"),
    ],
)
def test_the_text_reads_the_time_left(steps_left: int, seconds: int, text: str) -> None:
    assert remaining_text(steps_left, seconds) == text


def test_the_engine_progress_carries_the_estimate_and_its_text() -> None:
    state = ENGINE.start("buying")

    progress = ENGINE.progress(state)
    quick = ENGINE.progress(state, {sid: 1.0 for sid in WORKFLOW.steps})

    assert progress.seconds_remaining == seconds_remaining(GRAPH, state.current_step)
    assert progress.remaining_text == remaining_text(5, progress.seconds_remaining)
    assert progress.remaining_text.startswith("About ")
    assert quick.seconds_remaining == progress.min_remaining == 5
    assert quick.remaining_text == "Less than a minute left"
