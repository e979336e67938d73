"""The workflow definition as data: steps, edges, version and the Mermaid diagram."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from workflows.outcomes import DefinitionInfo


@strawberry.type
class StepDefinition:
    id: str
    component_name: str
    title: str
    terminal: bool
    field_names: list[str]
    personal_field_names: list[str] = strawberry.field(
        description="Fields holding personal or secret data: erased on request, never logged."
    )
    effects: list[str]


@strawberry.type
class Edge:
    source: str
    target: str
    label: str


@strawberry.type
class WorkflowDefinitionInfo:
    name: str
    version: int
    steps: list[StepDefinition]
    edges: list[Edge]
    entries: JSON
    mermaid: str

    @staticmethod
    def of(info: DefinitionInfo) -> WorkflowDefinitionInfo:
        steps = [
            StepDefinition(
                id=step.id,
                component_name=step.component.value,
                title=step.title,
                terminal=step.terminal,
                field_names=[spec.name for spec in step.fields],
                personal_field_names=[spec.name for spec in step.fields if spec.personal],
                effects=list(step.effects),
            )
            for step in info.steps
        ]
        return WorkflowDefinitionInfo(
            name=info.name,
            version=info.version,
            steps=steps,
            edges=[Edge(source=s, target=t, label=label) for s, t, label in info.edges],
            entries=as_json({str(k or "any").upper(): first for k, first in info.entries.items()}),
            mermaid=info.mermaid,
        )
