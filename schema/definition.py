"""The workflow definition as data: steps, edges, version and the Mermaid diagram."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from schema.json import as_json
from workflows.outcomes import DefinitionInfo


@strawberry.type(description="A step of a flow's definition.")
class StepDefinition:
    id: str = strawberry.field(description="The step's id.")
    component_name: str = strawberry.field(description="The component that renders it.")
    title: str = strawberry.field(description="Its heading.")
    terminal: bool = strawberry.field(description="Whether the flow ends here.")
    field_names: list[str] = strawberry.field(description="The names of its fields.")
    personal_field_names: list[str] = strawberry.field(
        description="Fields holding personal or secret data: erased on request, never logged."
    )
    effects: list[str] = strawberry.field(
        description="What reaching or leaving it does (e.g. a credit check, a lead)."
    )


@strawberry.type(description="A transition of the flow's graph.")
class Edge:
    source: str = strawberry.field(description="The step it leaves.")
    target: str = strawberry.field(description="The step it reaches.")
    label: str = strawberry.field(
        description="Its condition (e.g. `wants_replacement = true`), or how it is taken."
    )


@strawberry.type(description="Where a session of a workflow type starts.")
class Entry:
    workflow_type: str = strawberry.field(description="BUYING, SELLING, or ANY.")
    step_id: str = strawberry.field(description="The first step.")


@strawberry.type(description="A version of a flow, as data.")
class WorkflowDefinitionInfo:
    name: str = strawberry.field(description="The flow's name.")
    version: int = strawberry.field(description="This version's number.")
    steps: list[StepDefinition] = strawberry.field(description="Its steps.")
    edges: list[Edge] = strawberry.field(description="Its transitions.")
    entries: JSON = strawberry.field(
        description="The first step by workflow type, one JSON object (the same as `entryPoints`)."
    )
    entry_points: list[Entry] = strawberry.field(description="The first step by workflow type.")
    mermaid: str = strawberry.field(description="The graph as a Mermaid flowchart.")

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
        entries = {str(k or "any").upper(): first for k, first in info.entries.items()}
        return WorkflowDefinitionInfo(
            name=info.name,
            version=info.version,
            steps=steps,
            edges=[Edge(source=s, target=t, label=label) for s, t, label in info.edges],
            entries=as_json(entries),
            entry_points=[Entry(workflow_type=k, step_id=first) for k, first in entries.items()],
            mermaid=info.mermaid,
        )
