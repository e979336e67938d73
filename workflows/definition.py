"""The workflow definition described as data for clients: steps, labelled edges, diagram."""

from __future__ import annotations

from workflows.graph import edge_label, target_steps, to_mermaid
from workflows.model import Step, Workflow
from workflows.outcomes import DefinitionInfo


def _edges(step: Step) -> list[tuple[str, str, str]]:
    edges = [
        (step.id, target, edge_label(guard))
        for guard in step.guards
        for target in target_steps(guard.target)
    ]
    if step.default is not None:
        label = "otherwise" if step.guards else "next"
        edges.extend((step.id, target, label) for target in target_steps(step.default))
    if step.on_reject is not None:
        edges.extend((step.id, target, "rejected") for target in target_steps(step.on_reject))
    return edges


def definition_info(workflow: Workflow) -> DefinitionInfo:
    edges = [edge for step in workflow.steps.values() for edge in _edges(step)]
    return DefinitionInfo(
        name=workflow.name,
        version=workflow.version,
        steps=tuple(workflow.steps.values()),
        edges=tuple(edges),
        entries=workflow.entries,
        mermaid=to_mermaid(workflow),
    )
