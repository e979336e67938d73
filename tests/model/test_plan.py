"""The path generator on its own (pure, milliseconds): the plan for each workflow's current
definition (trex, and the buyer's own financing) takes every reachable transition with answers
that pass the step's rules and choose that transition, each path is needed, and what cannot be
taken shows as coverage below 100%."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date

import pytest

from tests.model.trex_model import (
    ANSWERS,
    ENVIRONMENT,
    FINANCING,
    PLAN,
    PLANS,
    current,
    definitions,
    plan_for,
)
from tests.support.answers import WALK_ANSWERS
from tests.support.model_paths import (
    MAX_MOVES,
    Environment,
    Move,
    Path,
    Plan,
    Transition,
    coverage,
    moved,
    plan,
    resolve,
)
from workflows.model import (
    Component,
    Condition,
    Field,
    FieldType,
    Goto,
    Guard,
    Op,
    Option,
    ReturnTo,
    Step,
    Workflow,
)
from workflows.rules import validate

TODAY = date(2026, 6, 15)
SUBMITS = [
    (plan, move)
    for plan in PLANS.values()
    for path in plan.paths
    for move in path.moves
    if move.transition.kind in ("guard", "default", "reject")
]
KINDS = {"entry", "guard", "default", "reject", "resume"}


class ListedLookups:
    """The options a shown step would list: here, the values the move takes from the view."""

    def __init__(self, move: Move) -> None:
        self._move = move

    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None:
        return [
            str(self._move.answers[name])
            for name, wanted in self._move.from_view.items()
            if wanted == source
        ]


def taken(paths: tuple[Path, ...]) -> set[Transition]:
    return {transition for path in paths for transition in path.transitions}


@pytest.mark.parametrize("plan", PLANS.values(), ids=PLANS.keys())
def test_the_cover_takes_every_reachable_transition(plan: Plan) -> None:
    assert not plan.untakeable, sorted(map(str, plan.untakeable))
    assert coverage(plan.reachable, taken(plan.cover)) == (len(plan.reachable),) * 2


def test_the_current_plans_take_every_kind_of_transition() -> None:
    """Between them: trex v2 waits for nothing (its sellers invite the buyer, whose credit check
    and its resumption moved to a buyer_financing session of the buyer's own, FLOWS.md), and
    nothing rejects the buyer's steps; trex v1, still served, keeps its pending step."""
    assert {t.kind for t in PLAN.reachable} == KINDS - {"resume"}
    assert {t.kind for t in FINANCING.reachable} == KINDS - {"reject"}
    trex_v1 = next(w for w in definitions() if (w.name, w.version) == ("trex", 1))
    assert {t.kind for t in plan_for(trex_v1).reachable} == KINDS
    # Both ways back to a results step are reachable, from a choice and from a rejection.
    returns = {(t.source, t.target) for t in PLAN.reachable if t.target.endswith("_results")}
    assert {("vehicle_selection", "search_results"), ("buying_confirmation", "carin_results")} <= (
        returns
    )


@pytest.mark.parametrize(
    "workflow", definitions(), ids=lambda workflow: f"{workflow.name}-v{workflow.version}"
)
def test_every_shipped_version_gets_a_full_cover(workflow: Workflow) -> None:
    shipped = plan_for(workflow)
    assert not shipped.untakeable, sorted(map(str, shipped.untakeable))
    assert coverage(shipped.reachable, taken(shipped.cover)) == (len(shipped.reachable),) * 2


@pytest.mark.parametrize("plan", PLANS.values(), ids=PLANS.keys())
def test_removing_any_path_drops_the_coverage(plan: Plan) -> None:
    for path in plan.cover:
        others = tuple(p for p in plan.cover if p is not path)
        covered, total = coverage(plan.reachable, taken(others))
        assert covered < total, f"{path.name} takes nothing the others do not"


@pytest.mark.parametrize(
    ("plan", "move"), SUBMITS, ids=[f"{p.workflow.name}: {m.transition}" for p, m in SUBMITS]
)
def test_each_answer_passes_the_rules_and_takes_its_transition(plan: Plan, move: Move) -> None:
    step = plan.workflow.step(move.transition.source)
    values, errors = validate(step, dict(move.answers), lookups=ListedLookups(move), today=TODAY)
    assert errors == [], errors
    chosen = next((i for i, g in enumerate(step.guards) if g.when.holds(values)), None)
    expected = move.transition.index if move.transition.kind == "guard" else None
    assert chosen == expected, (values, move.transition)


@pytest.mark.parametrize("plan", PLANS.values(), ids=PLANS.keys())
def test_every_path_starts_at_an_entry_and_ends_at_a_terminal_step(plan: Plan) -> None:
    workflow = plan.workflow
    for path in plan.paths:
        first, *rest = path.moves
        assert first.transition.kind == "entry"
        walked: tuple[str, ...] = (first.transition.target,)
        for move in rest:
            assert move.transition.source == walked[-1], (path.name, str(move.transition))
            walked = moved(walked, move.transition.target)
        assert workflow.step(walked[-1]).terminal, path.name
        assert len(path.moves) <= 2 * MAX_MOVES


def test_the_plan_is_bounded_and_takes_the_replacement_loop_once() -> None:
    assert len(PLAN.cover) <= len(PLAN.reachable) // 3
    loop = [
        path.name
        for path in PLAN.paths
        for move in path.moves
        if (move.transition.source, move.transition.target)
        == ("replacement_check", "vehicle_knowledge")
    ]
    assert len(loop) == 1, loop
    assert [
        [e for m in p.moves for e in m.events if e == "crm_refuses"] for p in PLAN.variants
    ] == [["crm_refuses"]]


def test_the_buyer_gets_every_outcome_and_retries_only_after_unavailable() -> None:
    assert len(FINANCING.cover) <= len(FINANCING.reachable) // 3
    outcomes = {t.detail for t in taken(FINANCING.cover) if t.kind == "resume"}
    assert outcomes == {"approved", "declined", "referred", "unavailable"}
    retries = 0
    for path in FINANCING.paths:
        latest = ""
        for move in path.moves:
            if move.transition.kind == "resume":
                latest = move.transition.detail
            if (move.transition.source, move.transition.target) == (
                "financing_result",
                "credit_check",
            ):
                retries += 1
                assert latest == "unavailable", (path.name, latest)
    assert retries == 1


def test_an_outcome_the_environment_cannot_produce_leaves_what_follows_it_untakeable() -> None:
    """Without a bureau that fails, there is no retry to take: the figure shows it."""
    outcomes = {"credit_result": ("approved", "declined", "referred")}
    no_faults = replace(ENVIRONMENT, outcomes=outcomes)
    partial = plan(current("buyer_financing"), no_faults, ANSWERS["buyer_financing"], today=TODAY)
    assert {str(t) for t in partial.untakeable} == {"financing_result -[guard 0]-> credit_check"}
    covered, total = coverage(partial.reachable, taken(partial.cover))
    assert covered == total - 1


def test_what_the_environment_cannot_do_keeps_the_figure_below_100() -> None:
    without_races = replace(ENVIRONMENT, rejections={})
    partial = plan(current(), without_races, WALK_ANSWERS, today=TODAY)
    assert {str(t) for t in partial.untakeable} == {
        "buying_confirmation -[rejected]-> search_results",
        "buying_confirmation -[rejected]-> carin_results",
    }
    covered, total = coverage(partial.reachable, taken(partial.cover))
    assert covered == total - 2


def _tiny() -> Workflow:
    """Every operator, a ReturnTo with one alternative out of reach, and a pending step."""
    colour = Field(
        "colour",
        FieldType.ENUM,
        "Colour",
        required=True,
        options=(Option("red", "Red"), Option("green", "Green"), Option("blue", "Blue")),
    )
    steps = [
        Step(
            "a",
            Component.CHOICE,
            "A",
            fields=(colour,),
            guards=(Guard(Condition("colour", Op.IN, ("red", "green")), Goto("b")),),
            default=Goto("c"),
        ),
        Step(
            "b",
            Component.CHOICE,
            "B",
            fields=(
                Field("sure", FieldType.BOOLEAN, "Sure", required=True),
                Field("note", FieldType.STRING, "Note", min_length=3),
            ),
            guards=(
                Guard(Condition("sure", Op.IS_FALSE), Goto("a")),
                Guard(Condition("note", Op.PRESENT), Goto("wait")),
            ),
            default=ReturnTo(("c", "a", "end")),
        ),
        Step(
            "c",
            Component.CHOICE,
            "C",
            fields=(
                Field("age", FieldType.INTEGER, "Age", required=True, minimum=18, maximum=99),
                Field(
                    "way",
                    FieldType.ENUM,
                    "Way",
                    required=True,
                    options=(Option("on", "On"), Option("back", "Back")),
                ),
            ),
            guards=(Guard(Condition("way", Op.EQUALS, "back"), Goto("b")),),
            default=Goto("end"),
        ),
        Step("wait", Component.PENDING, "Wait", awaits="result", default=Goto("end")),
        Step("end", Component.COMPLETION, "End", terminal=True),
    ]
    return Workflow("tiny", 1, {s.id: s for s in steps}, {None: "a"})


def test_any_workflow_gets_a_full_cover_from_its_definition_alone() -> None:
    tiny = plan(_tiny(), Environment(outcomes={"result": ("yes", "no")}), today=TODAY)
    assert not tiny.untakeable
    assert coverage(tiny.reachable, taken(tiny.cover)) == (len(tiny.reachable),) * 2
    # b returns to c when it came through c, else to a; never to "end", which no path to b holds.
    returns = {t.target for t in tiny.reachable if t.source == "b" and t.kind == "default"}
    assert returns == {"c", "a"}
    assert resolve(ReturnTo(("c", "a", "end")), ("a", "c", "b")) == "c"
    for path in tiny.cover:
        for move in path.moves:
            if move.transition.kind in ("guard", "default"):
                step = tiny.workflow.step(move.transition.source)
                _, errors = validate(
                    step, dict(move.answers), lookups=ListedLookups(move), today=TODAY
                )
                assert errors == [], (str(move.transition), errors)


def test_a_field_the_answer_makes_required_is_given_whichever_way_the_guard_goes() -> None:
    """`required_when`: the address the chosen channel needs, for the channel each guard takes."""
    channel = Field(
        "channel",
        FieldType.ENUM,
        "Channel",
        required=True,
        options=(Option("email", "Email"), Option("sms", "SMS")),
    )
    email = Field(
        "email", FieldType.EMAIL, "Email", required_when=Condition("channel", Op.EQUALS, "email")
    )
    phone = Field(
        "phone", FieldType.PHONE, "Phone", required_when=Condition("channel", Op.EQUALS, "sms")
    )
    steps = [
        Step(
            "invite",
            Component.FINANCING_INVITE,
            "Invite",
            fields=(channel, email, phone),
            guards=(Guard(Condition("channel", Op.EQUALS, "sms"), Goto("texted")),),
            default=Goto("mailed"),
        ),
        Step("texted", Component.COMPLETION, "Texted", terminal=True),
        Step("mailed", Component.COMPLETION, "Mailed", terminal=True),
    ]
    invite = plan(Workflow("invite", 1, {s.id: s for s in steps}, {None: "invite"}), today=TODAY)
    assert coverage(invite.reachable, taken(invite.cover)) == (3, 3)
    given = {
        move.transition.target: dict(move.answers)
        for path in invite.cover
        for move in path.moves
        if move.transition.source == "invite"
    }
    assert set(given) == {"texted", "mailed"}
    assert given["texted"]["channel"] == "sms"
    assert "phone" in given["texted"]
    assert given["mailed"]["channel"] == "email"
    assert "email" in given["mailed"]
    for target, answers in given.items():
        move = Move(Transition("invite", "guard", target), answers)
        _, errors = validate(steps[0], answers, lookups=ListedLookups(move), today=TODAY)
        assert errors == [], (answers, errors)
