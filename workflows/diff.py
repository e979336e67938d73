"""What changed between two versions of a workflow: steps, fields, options, edges, entries.

Attributes are compared generically (every compared dataclass field of `Step`, `Field` and
`Workflow`), so a newly declared attribute shows up without a change here. Given the new
version's `Migration`, renamed steps, fields and options are paired rather than reported as
removed and added. `workflows.diff_render` prints a diff as text or as a marked Mermaid graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from workflows.graph import edge_label, target_steps
from workflows.migration import NO_MIGRATION, Migration
from workflows.model import Field, Option, ReturnTo, Step, Target, Workflow

EdgeKind = Literal["guard", "default", "on_reject"]


@dataclass(frozen=True, slots=True)
class Change:
    """One attribute, shown old → new as text."""

    attribute: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Edge:
    kind: EdgeKind
    # The guard's condition as the graph labels it; "" for the default and on_reject.
    condition: str
    targets: tuple[str, ...]
    # ReturnTo: back to the most recent of `targets` on the path.
    returns: bool = False

    @property
    def key(self) -> tuple[EdgeKind, str]:
        return self.kind, self.condition


@dataclass(frozen=True, slots=True)
class EdgeChange:
    old: Edge
    new: Edge


@dataclass(frozen=True, slots=True)
class FieldDiff:
    name: str
    was: str
    changes: tuple[Change, ...] = ()
    options_added: tuple[str, ...] = ()
    options_removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StepDiff:
    id: str
    was: str
    changes: tuple[Change, ...] = ()
    fields_added: tuple[str, ...] = ()
    fields_removed: tuple[str, ...] = ()
    fields_changed: tuple[FieldDiff, ...] = ()
    edges_added: tuple[Edge, ...] = ()
    edges_removed: tuple[Edge, ...] = ()
    edges_changed: tuple[EdgeChange, ...] = ()

    @property
    def empty(self) -> bool:
        return self == StepDiff(self.id, self.was)


@dataclass(frozen=True, slots=True)
class FlowDiff:
    name: str
    old_version: int
    new_version: int
    steps_added: tuple[str, ...] = ()
    steps_removed: tuple[str, ...] = ()
    # Old id → new id, for steps paired by the migration's renames.
    steps_renamed: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Steps in both versions that differ, renamed ones included; by new id.
    steps_changed: tuple[StepDiff, ...] = ()
    # Entry (workflow type, "" for none) → first step; old "" when added, new "" when removed.
    entries_changed: tuple[Change, ...] = ()
    # Other workflow attributes (entry answers, anything declared later).
    changes: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        return self == FlowDiff(self.name, self.old_version, self.new_version)


def diff(old: Workflow, new: Workflow, migration: Migration = NO_MIGRATION) -> FlowDiff:
    """Everything that differs from `old` to `new`, renames paired through `migration`."""
    pairs = _step_pairs(old, new, migration)
    paired_new = set(pairs.values())
    changed = (_step_diff(old.step(was), new.step(now), migration) for was, now in pairs.items())
    return FlowDiff(
        name=new.name,
        old_version=old.version,
        new_version=new.version,
        steps_added=tuple(sid for sid in new.steps if sid not in paired_new),
        steps_removed=tuple(sid for sid in old.steps if sid not in pairs),
        steps_renamed={was: now for was, now in pairs.items() if was != now},
        steps_changed=tuple(step for step in changed if not step.empty or step.id != step.was),
        entries_changed=tuple(_entry_changes(old, new, migration)),
        changes=_attribute_changes(old, new, {"name", "version", "steps", "entries"}),
    )


def _step_pairs(old: Workflow, new: Workflow, migration: Migration) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for step_id in old.steps:
        becomes = migration.step_for(step_id, new)
        if becomes is not None and becomes in new.steps and becomes not in pairs.values():
            pairs[step_id] = becomes
    return pairs


def _step_diff(old: Step, new: Step, migration: Migration) -> StepDiff:
    pairs = {
        migration.field_for(old.id, spec.name): spec
        for spec in old.fields
        if new.field_named(migration.field_for(old.id, spec.name)) is not None
    }
    edges_old = {edge.key: _renamed_edge(edge, migration) for edge in edges(old)}
    edges_new = {edge.key: edge for edge in edges(new)}
    changes = _attribute_changes(old, new, {"id", "fields", "guards", "default", "on_reject"})
    return StepDiff(
        id=new.id,
        was=old.id,
        changes=(*changes, *_guard_order(old, new)),
        fields_added=tuple(spec.name for spec in new.fields if spec.name not in pairs),
        fields_removed=tuple(spec.name for spec in old.fields if spec not in pairs.values()),
        fields_changed=tuple(
            found
            for name, spec in pairs.items()
            if not _field_empty(found := _field_diff(old.id, spec, new, name, migration))
        ),
        edges_added=tuple(edge for key, edge in edges_new.items() if key not in edges_old),
        edges_removed=tuple(edge for key, edge in edges_old.items() if key not in edges_new),
        edges_changed=tuple(
            EdgeChange(edges_old[key], edge)
            for key, edge in edges_new.items()
            if key in edges_old and edges_old[key] != edge
        ),
    )


def _field_diff(
    step_id: str, old: Field, new_step: Step, name: str, migration: Migration
) -> FieldDiff:
    new = new_step.field_named(name)
    assert new is not None
    old_options = {migration.option_for(step_id, old.name, o.value): o for o in old.options}
    new_options = {option.value: option for option in new.options}
    return FieldDiff(
        name=new.name,
        was=old.name,
        changes=(
            *_attribute_changes(old, new, {"name", "options"}),
            *(
                Change("option", o.value, value)
                for value, o in old_options.items()
                if value != o.value
            ),
            *_option_labels(old_options, new_options),
        ),
        options_added=tuple(value for value in new_options if value not in old_options),
        options_removed=tuple(o.value for v, o in old_options.items() if v not in new_options),
    )


def _field_empty(found: FieldDiff) -> bool:
    """Unchanged: same name, same rules, same options."""
    return found == FieldDiff(found.name, found.name)


def _option_labels(old: Mapping[str, Option], new: Mapping[str, Option]) -> Iterator[Change]:
    for value, option in new.items():
        if value in old and old[value].label != option.label:
            yield Change(f"option '{value}' label", old[value].label, option.label)


def edges(step: Step) -> tuple[Edge, ...]:
    """A step's transitions as edges: its guards in order, then its default and on_reject."""
    found = [_edge("guard", edge_label(guard), guard.target) for guard in step.guards]
    if step.default is not None:
        found.append(_edge("default", "", step.default))
    if step.on_reject is not None:
        found.append(_edge("on_reject", "", step.on_reject))
    return tuple(found)


def _edge(kind: EdgeKind, condition: str, target: Target) -> Edge:
    return Edge(kind, condition, target_steps(target), isinstance(target, ReturnTo))


def _renamed_edge(edge: Edge, migration: Migration) -> Edge:
    targets = tuple(migration.step_renames.get(target, target) for target in edge.targets)
    return dataclasses.replace(edge, targets=targets)


def _guard_order(old: Step, new: Step) -> Iterator[Change]:
    new_labels = [edge_label(guard) for guard in new.guards]
    common_old = [edge_label(g) for g in old.guards if edge_label(g) in new_labels]
    common_new = [label for label in new_labels if label in common_old]
    if common_old != common_new:
        yield Change("guard order", "; ".join(common_old), "; ".join(common_new))


def _entry_changes(old: Workflow, new: Workflow, migration: Migration) -> Iterator[Change]:
    for entry in {**old.entries, **new.entries}:
        was = old.entries.get(entry)
        was = migration.step_renames.get(was, was) if was is not None else None
        now = new.entries.get(entry)
        if was != now:
            yield Change(entry or "", was or "", now or "")


def _attribute_changes(old: object, new: object, skip: set[str]) -> tuple[Change, ...]:
    changes = []
    for spec in dataclasses.fields(old):  # type: ignore[arg-type]
        if spec.name in skip or not spec.compare:
            continue
        was, now = getattr(old, spec.name), getattr(new, spec.name)
        if was != now:
            changes.append(Change(spec.name, show(was), show(now)))
    return tuple(changes)


def show(value: object) -> str:
    """An attribute's value as the report prints it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple | list):
        return "(" + ", ".join(show(item) for item in value) + ")"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)
