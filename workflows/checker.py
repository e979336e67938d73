"""Static check of a workflow definition, run by the tests and at start-up.

A broken definition stops the server with a message that names each faulty step and its fault.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from workflows.graph import Graph, target_steps
from workflows.messages import DEFAULT_LOCALE, catalogue
from workflows.model import Component, FieldType, Op, Sensitivity, Step, Workflow
from workflows.personal import unmarked


@dataclass(frozen=True, slots=True)
class Fault:
    step: str
    message: str

    def __str__(self) -> str:
        return f"{self.step}: {self.message}"


# The codes a field's own message may be given for (`Field.messages`): the rules' codes.
RULE_CODES = frozenset(
    {
        "required",
        "one_of_required",
        "must_be_true",
        "type",
        "max_length",
        "min_length",
        "invalid_characters",
        "pattern",
        "format",
        "vin_check_digit",
        "ssn_invalid",
        "min_age",
        "max_age",
        "minimum",
        "maximum",
        "enum",
        "max_items",
        "duplicate",
        "unknown_option",
    }
)


class DefinitionError(Exception):
    def __init__(self, workflow: Workflow, faults: list[Fault]) -> None:
        listed = "\n".join(f"  - {fault}" for fault in faults)
        super().__init__(f"workflow {workflow.name} v{workflow.version} is broken:\n{listed}")
        self.faults = faults


def check(workflow: Workflow, bound_effects: Collection[str] | None = None) -> list[Fault]:
    """Every fault of the definition; `bound_effects` None skips the binding check."""
    faults = list(_targets_exist(workflow))
    for step in workflow.steps.values():
        faults.extend(_step_shape(step))
        faults.extend(_choice_exits(step))
        faults.extend(_sensitivity(step))
        if bound_effects is not None:
            faults.extend(
                Fault(step.id, f"effect '{name}' is not bound to a handler")
                for name in step.effects
                if name not in bound_effects
            )
    faults.extend(_declarations(workflow))
    faults.extend(_branches(workflow))
    faults.extend(_reachability(workflow))
    return faults


def ensure_valid(workflow: Workflow, bound_effects: Collection[str] | None = None) -> None:
    faults = check(workflow, bound_effects)
    if faults:
        raise DefinitionError(workflow, faults)


def _targets_exist(workflow: Workflow) -> Iterator[Fault]:
    for entry, first in workflow.entries.items():
        if first not in workflow.steps:
            yield Fault(f"entry {entry}", f"starts at unknown step '{first}'")
    for step in workflow.steps.values():
        for target in step.targets():
            for name in target_steps(target):
                if name not in workflow.steps:
                    yield Fault(step.id, f"transition to unknown step '{name}'")


def _step_shape(step: Step) -> Iterator[Fault]:
    names = [spec.name for spec in step.fields]
    if len(names) != len(set(names)):
        yield Fault(step.id, "a field name is used twice")
    for spec in step.fields:
        for other in spec.required_unless:
            if other not in names:
                yield Fault(step.id, f"field '{spec.name}' is required unless unknown '{other}'")
        is_choice = spec.type in (FieldType.ENUM, FieldType.MULTI_ENUM)
        if is_choice and not spec.options and spec.options_from is None:
            yield Fault(step.id, f"choice field '{spec.name}' has no options")
        if spec.required_when is not None and spec.required_when.field not in names:
            yield Fault(step.id, f"field '{spec.name}' is required when unknown field is given")
        if spec.default is not None and spec.default not in {o.value for o in spec.options}:
            yield Fault(step.id, f"field '{spec.name}' defaults to an option it lacks")
        if spec.consent is not None and spec.type not in (FieldType.BOOLEAN, FieldType.ENUM):
            yield Fault(step.id, f"consent field '{spec.name}' is not a yes/no or a choice")
        for code, message_id in spec.messages.items():
            if message_id not in catalogue(DEFAULT_LOCALE):
                yield Fault(step.id, f"field '{spec.name}' says unknown message '{message_id}'")
            if code not in RULE_CODES:
                yield Fault(step.id, f"field '{spec.name}' has a message for unknown rule '{code}'")
    for low, high in step.ordered:
        if low not in names or high not in names:
            yield Fault(step.id, f"order rule names unknown fields '{low}', '{high}'")
    for guard in step.guards:
        if guard.when.field not in names:
            yield Fault(step.id, f"guard reads unknown field '{guard.when.field}'")
    if step.terminal and step.targets():
        yield Fault(step.id, "terminal step has transitions")
    if not step.terminal and step.default is None:
        yield Fault(step.id, "step has no default transition")
    if (step.component is Component.PENDING) != (step.awaits is not None):
        yield Fault(step.id, "a Pending step, and only it, awaits an outcome")


def _declarations(workflow: Workflow) -> Iterator[Fault]:
    """What a step declares for the services names steps that exist, on the right components."""
    steps = workflow.steps
    for step in steps.values():
        is_results = step.component is Component.VEHICLE_RESULTS
        if is_results != (step.results is not None):
            yield Fault(step.id, "a VehicleResults step, and only it, declares its results")
        if step.results is not None and step.results.criteria_from not in steps:
            yield Fault(step.id, f"results read unknown step '{step.results.criteria_from}'")
        for source in step.summary.answers_from if step.summary else ():
            if source not in steps:
                yield Fault(step.id, f"summary shows unknown step '{source}'")
        for source in step.prefill_from:
            if source not in steps:
                yield Fault(step.id, f"prefills from unknown step '{source}'")
        submits = any(name.startswith("submit_") for name in step.effects)
        if submits != (step.lead_kind is not None):
            yield Fault(step.id, "a step that submits a lead, and only it, declares its kind")
        if step.next_steps and not step.terminal:
            yield Fault(step.id, "only a terminal step says what happens next")


def _branches(workflow: Workflow) -> Iterator[Fault]:
    for branch in workflow.branches:
        named = {s for s in (*branch.chosen_at, *branch.options) if s is not None}
        for unknown in sorted(named - workflow.steps.keys()):
            yield Fault(f"branch {branch.name}", f"names unknown step '{unknown}'")


def _sensitivity(step: Step) -> Iterator[Fault]:
    """Personal data is marked as such, so that history, snapshots and erasure leave it out."""
    for name in unmarked(step):
        yield Fault(step.id, f"field '{name}' looks personal but has no sensitivity")
    for spec in step.fields:
        if spec.type is FieldType.SSN and spec.sensitivity is not Sensitivity.SECRET:
            yield Fault(step.id, f"field '{spec.name}' is an SSN and must be secret")


def _choice_exits(step: Step) -> Iterator[Fault]:
    """Each answer of a guarded choice field leads somewhere."""
    for spec in step.fields:
        guards = [guard for guard in step.guards if guard.when.field == spec.name]
        if not guards or guards[0].when.op is Op.PRESENT:
            continue
        answers: list[object] = (
            [True, False] if spec.type is FieldType.BOOLEAN else [o.value for o in spec.options]
        )
        for answer in answers:
            routed = any(guard.when.holds({spec.name: answer}) for guard in guards)
            if not routed and step.default is None:
                yield Fault(step.id, f"answer {spec.name}={answer} has no exit")


def _reachability(workflow: Workflow) -> Iterator[Fault]:
    graph = Graph(workflow)
    seen = set(workflow.entries.values()) & workflow.steps.keys()
    frontier = list(seen)
    while frontier:
        current = frontier.pop()
        nxt = graph.edges[current] - seen
        seen |= nxt
        frontier.extend(nxt)
    for step_id in workflow.steps:
        if step_id not in seen:
            yield Fault(step_id, "not reachable from any entry")
        elif step_id not in graph.min_remaining:
            yield Fault(step_id, "never reaches a terminal step")
