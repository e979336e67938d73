"""The static check of a definition: the real flow is sound, and each kind of fault is named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from workflows.checker import DefinitionError, Fault, check, ensure_valid
from workflows.model import (
    Component,
    Condition,
    Field,
    FieldType,
    Goto,
    Guard,
    Op,
    Step,
    Workflow,
)
from workflows.registry import definition

WORKFLOW = definition("trex", 1)
EFFECTS = frozenset(name for step in WORKFLOW.steps.values() for name in step.effects)


def with_steps(workflow: Workflow, *steps: Step) -> Workflow:
    """A copy of the workflow with these steps added or replaced."""
    return replace(workflow, steps={**workflow.steps, **{step.id: step for step in steps}})


def edit(step_id: str, **changes: Any) -> Workflow:
    """A copy of the T-Rex flow with one step changed."""
    return with_steps(WORKFLOW, replace(WORKFLOW.step(step_id), **changes))


def has_fault(faults: list[Fault], step: str, words: str) -> bool:
    return any(fault.step == step and words in fault.message for fault in faults)


def test_the_trex_flow_has_no_faults() -> None:
    assert check(WORKFLOW, EFFECTS) == []
    ensure_valid(WORKFLOW, EFFECTS)


def test_the_trex_flow_binds_the_effects_of_flows_md() -> None:
    assert {
        "search_vehicles",
        "carin_rank",
        "request_credit_check",
        "submit_buying_lead",
    } <= EFFECTS


def _unreachable() -> Workflow:
    orphan = Step("orphan", Component.COMPLETION, "Orphan", terminal=True, can_go_back=False)
    return with_steps(WORKFLOW, orphan)


def _cycle_without_exit() -> Workflow:
    loop_a = Step("loop_a", Component.CHOICE, "A", default=Goto("loop_b"))
    loop_b = Step("loop_b", Component.CHOICE, "B", default=Goto("loop_a"))
    intent = WORKFLOW.step("intent_selection")
    into_loop = Guard(Condition("intent", Op.EQUALS, "looping"), Goto("loop_a"))
    return with_steps(WORKFLOW, loop_a, loop_b, replace(intent, guards=(*intent.guards, into_loop)))


def _guard_on_unknown_field() -> Workflow:
    guard = Guard(Condition("buyer_kind", Op.EQUALS, "private"), Goto("private_buyer_details"))
    return edit("buyer_type", guards=(guard,))


def _entry_to_unknown_step() -> Workflow:
    return replace(WORKFLOW, entries={**WORKFLOW.entries, "leasing": "lease_start"})


def _duplicate_field() -> Workflow:
    step = WORKFLOW.step("vehicle_knowledge")
    return edit("vehicle_knowledge", fields=step.fields * 2)


def _choice_without_options() -> Workflow:
    bare = Field("condition", FieldType.ENUM, "Condition", required=True)
    step = WORKFLOW.step("dealer_network")
    fields = tuple(bare if spec.name == "condition" else spec for spec in step.fields)
    return edit("dealer_network", fields=fields)


BROKEN: dict[str, tuple[Callable[[], Workflow], str, str]] = {
    "transition to an unknown step": (
        lambda: edit("vehicle_search", default=Goto("nowhere")),
        "vehicle_search",
        "transition to unknown step 'nowhere'",
    ),
    "unreachable step": (_unreachable, "orphan", "not reachable from any entry"),
    "cycle with no exit": (_cycle_without_exit, "loop_a", "never reaches a terminal step"),
    "cycle with no exit, other step": (_cycle_without_exit, "loop_b", "never reaches a terminal"),
    "choice answer with no exit": (
        lambda: edit("vehicle_knowledge", default=None),
        "vehicle_knowledge",
        "answer knows_vehicle=False has no exit",
    ),
    "no default": (
        lambda: edit("vehicle_knowledge", default=None),
        "vehicle_knowledge",
        "step has no default transition",
    ),
    "enum answer with no exit": (
        lambda: edit("buyer_type", default=None),
        "buyer_type",
        "answer buyer_type=dealer has no exit",
    ),
    "guard on an unknown field": (
        _guard_on_unknown_field,
        "buyer_type",
        "guard reads unknown field 'buyer_kind'",
    ),
    "terminal step with transitions": (
        lambda: edit("buying_complete", default=Goto("intent_selection")),
        "buying_complete",
        "terminal step has transitions",
    ),
    "pending step without awaits": (
        lambda: edit("credit_check_pending", awaits=None),
        "credit_check_pending",
        "a Pending step, and only it, awaits an outcome",
    ),
    "awaits on a step that is not Pending": (
        lambda: edit("credit_check", awaits="credit_result"),
        "credit_check",
        "a Pending step, and only it, awaits an outcome",
    ),
    "entry to an unknown step": (
        _entry_to_unknown_step,
        "entry leasing",
        "starts at unknown step 'lease_start'",
    ),
    "order rule on unknown fields": (
        lambda: edit("vehicle_search", ordered=(("year_from", "year_max"),)),
        "vehicle_search",
        "order rule names unknown fields 'year_from', 'year_max'",
    ),
    "required unless an unknown field": (
        lambda: edit(
            "vehicle_knowledge",
            fields=(Field("knows_vehicle", FieldType.BOOLEAN, "K", required_unless=("ghost",)),),
        ),
        "vehicle_knowledge",
        "field 'knows_vehicle' is required unless unknown 'ghost'",
    ),
    "field name used twice": (_duplicate_field, "vehicle_knowledge", "a field name is used twice"),
    "choice field without options": (
        _choice_without_options,
        "dealer_network",
        "choice field 'condition' has no options",
    ),
}


@pytest.mark.parametrize(("broken", "step", "words"), list(BROKEN.values()), ids=list(BROKEN))
def test_each_fault_is_reported_naming_its_step(
    broken: Callable[[], Workflow], step: str, words: str
) -> None:
    faults = check(broken(), EFFECTS)

    assert has_fault(faults, step, words), faults


def test_the_unreachable_step_is_the_only_fault_reported() -> None:
    assert check(_unreachable(), EFFECTS) == [Fault("orphan", "not reachable from any entry")]


def test_an_unbound_effect_is_reported_for_every_step_using_it() -> None:
    faults = check(WORKFLOW, EFFECTS - {"decode_vin", "request_credit_check"})

    users = {step.id for step in WORKFLOW.steps.values() if "decode_vin" in step.effects}
    assert users == {"private_buyer_details", "dealer_information", "dealer_network"}
    assert {fault.step for fault in faults} == {*users, "credit_check"}
    assert all(has_fault(faults, step, "effect 'decode_vin' is not bound") for step in users)
    assert has_fault(
        faults, "credit_check", "effect 'request_credit_check' is not bound to a handler"
    )


def test_effect_binding_is_skipped_without_bound_effects() -> None:
    assert check(WORKFLOW, None) == []
    assert check(WORKFLOW, ()) != []


def test_ensure_valid_raises_a_definition_error_listing_every_fault() -> None:
    broken = with_steps(
        _unreachable(),
        replace(WORKFLOW.step("buying_complete"), default=Goto("intent_selection")),
        replace(WORKFLOW.step("credit_check_pending"), awaits=None),
    )
    faults = check(broken, EFFECTS)

    with pytest.raises(DefinitionError) as raised:
        ensure_valid(broken, EFFECTS)

    assert raised.value.faults == faults
    assert len(faults) >= 3
    message = str(raised.value)
    assert message.startswith("workflow trex v1 is broken:")
    assert all(f"  - {fault.step}: {fault.message}" in message for fault in faults)
    for step in ("orphan", "buying_complete", "credit_check_pending"):
        assert f"  - {step}: " in message


def test_an_unknown_target_does_not_hide_the_other_faults() -> None:
    broken = with_steps(
        edit("vehicle_search", default=Goto("nowhere")),
        replace(WORKFLOW.step("buying_complete"), default=Goto("intent_selection")),
    )
    faults = check(broken, EFFECTS)

    assert has_fault(faults, "vehicle_search", "unknown step 'nowhere'")
    assert has_fault(faults, "buying_complete", "terminal step has transitions")


def test_definition_error_names_each_step_and_fault() -> None:
    error = DefinitionError(WORKFLOW, [Fault("a", "first"), Fault("b", "second")])

    assert str(error) == "workflow trex v1 is broken:\n  - a: first\n  - b: second"
