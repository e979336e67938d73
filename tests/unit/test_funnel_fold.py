"""The funnel's fold, pure: history moves into daily aggregates, incrementally and exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from app.services.funnel import days_of, figures
from app.services.funnel_fold import (
    FunnelShape,
    bucket_of,
    bucket_value,
    fold,
    quantile,
    totals_of,
)
from workflows.funnel import (
    DayCounts,
    FunnelKey,
    Move,
    SessionMoves,
)
from workflows.registry import definition

SHAPE = FunnelShape.of(definition("trex", 1))


def shape_of(_: object) -> FunnelShape:
    return SHAPE


KEY = FunnelKey("demo", "trex", 1)
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
BUYING = (
    "intent_selection",
    "vehicle_knowledge",
    "vehicle_search",
    "search_results",
    "vehicle_selection",
    "buying_confirmation",
    "buying_complete",
)


def walk(steps: tuple[str, ...], first_id: int = 1, seconds: float = 10.0) -> list[Move]:
    """A session moving through `steps`, `seconds` on each."""
    moves = [Move(first_id, "start", None, steps[0], T0)]
    for index, (left, entered) in enumerate(pairwise(steps), 1):
        at = T0 + timedelta(seconds=seconds * index)
        moves.append(Move(first_id + index, "transition", left, entered, at))
    return moves


def session(moves: list[Move], name: str = "s1") -> SessionMoves:
    return SessionMoves(name, KEY, tuple(moves))


def test_a_finished_buying_session_reaches_every_step_and_a_lead_and_stops_nowhere() -> None:
    delta = fold([session(walk(BUYING))], 0, shape_of)
    assert delta.days == {(KEY, T0.date()): DayCounts(started=1, leads=1)}
    assert {step for (_, _, step), c in delta.steps.items() if c.reached == 1} == set(BUYING)
    assert all(c.dropped == 0 for c in delta.steps.values())
    chosen = {step for (_, _, step), c in delta.steps.items() if c.chosen}
    assert chosen == {"vehicle_knowledge", "vehicle_search"}
    assert sum(delta.times.values()) == len(BUYING) - 1


def test_folding_in_two_batches_adds_up_to_folding_at_once() -> None:
    moves = walk(BUYING)
    once = totals_of(fold([session(moves)], 0, shape_of))
    first = fold([session(moves[:3])], 0, shape_of)
    second = fold([session(moves)], 3, shape_of)
    assert totals_of(first, second) == once


def test_what_is_below_the_watermark_is_not_folded_again() -> None:
    moves = walk(BUYING)
    assert fold([session(moves)], moves[-1].id, shape_of).is_empty()


def test_the_drop_off_moves_with_the_session_and_leaves_with_its_end() -> None:
    moves = walk(BUYING)
    stopped = fold([session(moves[:3])], 0, shape_of)
    assert stopped.steps[(KEY, T0.date(), "vehicle_search")].dropped == 1
    finished = fold([session(moves)], 3, shape_of)
    assert finished.steps[(KEY, T0.date(), "vehicle_search")].dropped == -1
    assert all(c.dropped <= 0 for c in finished.steps.values())


def test_a_selling_session_counts_its_lead_before_its_end() -> None:
    steps: tuple[str, ...] = ("intent_selection", "has_buyer", "dealer_network")
    steps += ("credit_consent", "dealer_confirmation", "replacement_check")
    delta = fold([session(walk(steps))], 0, shape_of)
    assert delta.days[(KEY, T0.date())].leads == 1
    assert delta.steps[(KEY, T0.date(), "replacement_check")].dropped == 1
    assert delta.steps[(KEY, T0.date(), "dealer_network")].chosen == 1


def test_the_latest_branch_choice_counts_and_a_replacement_search_is_no_intent() -> None:
    moves = walk(("intent_selection", "has_buyer", "buyer_type", "private_buyer_details"))
    moves.append(Move(5, "back", "private_buyer_details", "buyer_type", T0 + timedelta(minutes=1)))
    moves.append(
        Move(6, "transition", "buyer_type", "dealer_information", T0 + timedelta(minutes=2))
    )
    moves.append(
        Move(7, "transition", "dealer_information", "replacement_check", T0 + timedelta(minutes=3))
    )
    moves.append(
        Move(8, "transition", "replacement_check", "vehicle_knowledge", T0 + timedelta(minutes=4))
    )
    totals = totals_of(fold([session(moves[:4])], 0, shape_of), fold([session(moves)], 4, shape_of))
    chosen = {step: c.chosen for (_, step), c in totals.steps.items() if c.chosen}
    assert chosen == {"has_buyer": 1, "dealer_information": 1}


def test_a_session_started_on_a_branch_has_chosen_it() -> None:
    moves = walk(("vehicle_knowledge", "carin_questions"))
    delta = fold([session(moves)], 0, shape_of)
    chosen = {step for (_, _, step), c in delta.steps.items() if c.chosen}
    assert chosen == {"vehicle_knowledge", "carin_questions"}


def test_a_page_of_results_continues_the_visit() -> None:
    moves = walk(("vehicle_search", "search_results"), seconds=5)
    moves.append(
        Move(3, "transition", "search_results", "search_results", T0 + timedelta(seconds=30))
    )
    moves.append(
        Move(4, "transition", "search_results", "vehicle_selection", T0 + timedelta(seconds=65))
    )
    delta = fold([session(moves)], 0, shape_of)
    results = {b: n for (_, _, step, b), n in delta.times.items() if step == "search_results"}
    assert results == {bucket_of(60.0): 1}


def test_sessions_count_in_the_day_they_started() -> None:
    moves = walk(BUYING, seconds=3 * 3600)
    delta = fold([session(moves)], 0, shape_of)
    assert {day for (_, day, _) in delta.steps} == {T0.date()}


@pytest.mark.parametrize("seconds", [0.002, 0.05, 1.0, 7.3, 95.0, 3_600.0, 86_400.0])
def test_a_bucket_estimates_its_values_within_ten_percent(seconds: float) -> None:
    estimate = bucket_value(bucket_of(seconds))
    assert abs(estimate - seconds) / seconds < 0.1 or seconds < 0.01


def test_quantiles_come_from_the_merged_buckets_by_nearest_rank() -> None:
    buckets = {bucket_of(1.0): 5, bucket_of(10.0): 4, bucket_of(100.0): 1}
    assert quantile(buckets, 0.5) == bucket_value(bucket_of(1.0))
    assert quantile(buckets, 0.9) == bucket_value(bucket_of(10.0))
    assert quantile({}, 0.5) is None


def test_the_figures_list_every_step_of_the_definition_and_each_branch() -> None:
    (funnel,) = figures(totals_of(fold([session(walk(BUYING))], 0, shape_of)), shape_of)
    assert [s.step for s in funnel.steps] == list(definition("trex", 1).steps)
    intent = next(b for b in funnel.branches if b.name == "intent")
    assert intent.options == (("buying", 1), ("selling", 0))
    assert (funnel.started, funnel.leads) == (1, 1)


def test_a_period_covers_the_days_it_touches() -> None:
    since, until = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    assert days_of(since, until) == (since.date(), datetime(2026, 11, 30).date())
    assert days_of(since, since + timedelta(hours=1)) == (since.date(), since.date())


def test_a_branch_naming_an_unknown_step_is_refused_by_the_checker() -> None:
    from dataclasses import replace

    from workflows.checker import check
    from workflows.model import Branch

    broken = replace(
        definition("trex", 1), branches=(Branch("x", ("intent_selection",), {"nowhere": "x"}),)
    )
    assert [str(f) for f in check(broken)] == ["branch x: names unknown step 'nowhere'"]
