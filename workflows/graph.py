"""The step graph of a workflow: edges, distances to the end, and the Mermaid diagram."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from workflows.model import Goto, Guard, Op, ReturnTo, Step, Target, Workflow


def target_steps(target: Target) -> tuple[str, ...]:
    return (target.step,) if isinstance(target, Goto) else target.steps


def forward_edges(step: Step) -> set[str]:
    """Where a submit can lead (a business rejection's way back is not progress)."""
    found: set[str] = set()
    for target in (guard.target for guard in step.guards):
        found.update(target_steps(target))
    if step.default is not None:
        found.update(target_steps(step.default))
    return found - {step.id}


@dataclass(frozen=True)
class Graph:
    workflow: Workflow

    @cached_property
    def edges(self) -> Mapping[str, frozenset[str]]:
        """Forward edges between known steps (the checker reports unknown targets)."""
        known = self.workflow.steps.keys()
        return {
            sid: frozenset(forward_edges(step) & known) for sid, step in self.workflow.steps.items()
        }

    @cached_property
    def min_remaining(self) -> Mapping[str, int]:
        """Fewest steps still to show before a terminal step, by breadth-first search backwards."""
        incoming: dict[str, set[str]] = {sid: set() for sid in self.edges}
        for source, targets in self.edges.items():
            for target in targets & incoming.keys():
                incoming[target].add(source)
        distance = {sid: 0 for sid, step in self.workflow.steps.items() if step.terminal}
        queue = deque(distance)
        while queue:
            current = queue.popleft()
            for source in incoming[current]:
                if source not in distance:
                    distance[source] = distance[current] + 1
                    queue.append(source)
        return distance

    @cached_property
    def max_remaining(self) -> Mapping[str, int]:
        """Most steps still to show before a terminal step, over simple paths (no step twice)."""
        return {sid: self._longest(sid, frozenset({sid})) for sid in self.edges}

    def _longest(self, current: str, seen: frozenset[str]) -> int:
        best = 0 if self.workflow.steps[current].terminal else -1
        for nxt in self.edges[current] - seen:
            rest = self._longest(nxt, seen | {nxt})
            if rest >= 0:
                best = max(best, rest + 1)
        return best


def edge_label(guard: Guard) -> str:
    condition = guard.when
    if condition.op is Op.IS_TRUE:
        return f"{condition.field} = true"
    if condition.op is Op.IS_FALSE:
        return f"{condition.field} = false"
    if condition.op is Op.PRESENT:
        return f"{condition.field} given"
    return f"{condition.field} = {condition.value}"


def _node(step: Step) -> str:
    label = f'"{step.title}<br/><small>{step.id} · {step.component.value}</small>"'
    if step.terminal:
        return f"    {step.id}([{label}])"
    if step.guards:
        return f"    {step.id}{{{label}}}"
    return f"    {step.id}[{label}]"


def _links(step: Step) -> list[str]:
    lines = []
    for guard in step.guards:
        for target in target_steps(guard.target):
            lines.append(f"    {step.id} -->|{edge_label(guard)}| {target}")
    if step.default is not None:
        word = "otherwise" if step.guards else ("result" if step.awaits else "")
        arrow = "-->" if not isinstance(step.default, ReturnTo) else "-.->"
        for target in target_steps(step.default):
            lines.append(f"    {step.id} {arrow}{f'|{word}|' if word else ''} {target}")
    if step.on_reject is not None:
        for target in target_steps(step.on_reject):
            lines.append(f"    {step.id} -.->|rejected| {target}")
    return lines


def to_mermaid(workflow: Workflow) -> str:
    """A Mermaid flowchart of the workflow, comparable to the architecture document's."""
    lines = ["flowchart TD"]
    for entry, first in workflow.entries.items():
        name = f"start_{entry or 'any'}"
        label = f"start: {entry}" if entry else "start"
        lines.append(f'    {name}(("{label}")) --> {first}')
    lines.extend(_node(step) for step in workflow.steps.values())
    for step in workflow.steps.values():
        lines.extend(_links(step))
    return "\n".join(lines) + "\n"
