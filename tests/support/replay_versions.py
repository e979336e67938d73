"""Versions of T-Rex built in code for the shadow replay's tests, each one change on v1."""

from __future__ import annotations

from dataclasses import replace

from workflows.model import Field, FieldType, Goto, Option, Step, Workflow
from workflows.registry import definition

V1 = definition("trex", 1)
RENAMED = ("buyer_type", "buyer_type", "dealer", "dealership")  # step, field, old, new
NEW_REQUIRED = ("vehicle_selection", "financing_interest")
REMOVED = ("credit_consent", "dealer_network", "dealer_confirmation")  # step, before, after


def with_steps(workflow: Workflow, version: int, *steps: Step, drop: str = "") -> Workflow:
    changed = {**workflow.steps, **{step.id: step for step in steps}}
    changed.pop(drop, None)
    return replace(workflow, version=version, steps=changed)


def renamed_option(workflow: Workflow = V1) -> Step:
    step_id, name, old, new = RENAMED
    step = workflow.step(step_id)
    spec = step.field_named(name)
    assert spec is not None
    options = tuple(Option(new, o.label) if o.value == old else o for o in spec.options)
    fields = tuple(replace(f, options=options) if f.name == name else f for f in step.fields)
    return replace(step, fields=fields)


def new_required_field(workflow: Workflow = V1) -> Step:
    step_id, name = NEW_REQUIRED
    step = workflow.step(step_id)
    added = Field(name, FieldType.BOOLEAN, "Interested in financing?", required=True)
    return replace(step, fields=(*step.fields, added))


def without_removed_step(workflow: Workflow = V1) -> Step:
    _, before, after = REMOVED
    return replace(workflow.step(before), default=Goto(after))


def v2() -> Workflow:
    """v1 with an option renamed, a new required field and a step removed."""
    steps = (renamed_option(), new_required_field(), without_removed_step())
    return with_steps(V1, 2, *steps, drop=REMOVED[0])
