"""A `FlowDiff` for people: a text report (`trex flows diff`) and the new version's Mermaid graph
with the changes marked.

The graph is `workflows.graph.to_mermaid(new)` with lines added after it (style classes, link
styles, the removed steps and edges), so it draws exactly what `trex graph` draws.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from workflows.diff import Edge, EdgeChange, FieldDiff, FlowDiff, StepDiff
from workflows.graph import edge_label, target_steps, to_mermaid
from workflows.model import Workflow

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
STYLES = {
    ADDED: "fill:#e6ffec,stroke:#1a7f37,stroke-width:2px",
    CHANGED: "fill:#fff8c5,stroke:#9a6700,stroke-width:2px",
    REMOVED: "fill:#ffebe9,stroke:#cf222e,stroke-dasharray:5 5,color:#cf222e",
}
LINK_STYLES = {
    ADDED: "stroke:#1a7f37,stroke-width:2px",
    CHANGED: "stroke:#9a6700,stroke-width:2px",
    REMOVED: "stroke:#cf222e,stroke-dasharray:5 5",
}
# A link drawn by to_mermaid between two steps (the start links have a labelled node first).
_LINK = re.compile(r"^ {4}(\w+) (?:-->|-\.->)(?:\|([^|]*)\|)? (\w+)$")

EdgeId = tuple[str, str, str]  # source step, kind, condition


# --- Text ----------------------------------------------------------------------------------------


def render_text(found: FlowDiff) -> str:
    """The readable report: one line per added or removed thing, old → new for changes."""
    lines = [f"{found.name}: v{found.old_version} → v{found.new_version}"]
    if found.empty:
        return "\n".join([*lines, "no changes"]) + "\n"
    lines.extend(f"+ step {step_id}" for step_id in found.steps_added)
    lines.extend(f"- step {step_id}" for step_id in found.steps_removed)
    for step in found.steps_changed:
        lines.extend(_step_lines(step))
    for change in found.entries_changed:
        lines.append(
            f"~ entry {change.attribute or '(none)'}: {_or(change.old)} → {_or(change.new)}"
        )
    lines.extend(f"~ {c.attribute}: {c.old} → {c.new}" for c in found.changes)
    return "\n".join(lines) + "\n"


def _or(step_id: str) -> str:
    return step_id or "(none)"


def _step_lines(step: StepDiff) -> Iterator[str]:
    yield f"~ step {step.id}" + (f" (was {step.was})" if step.was != step.id else "")
    yield from (f"    {c.attribute}: {c.old} → {c.new}" for c in step.changes)
    yield from (f"    + field {name}" for name in step.fields_added)
    yield from (f"    - field {name}" for name in step.fields_removed)
    for spec in step.fields_changed:
        yield from _field_lines(spec)
    yield from (f"    + edge {_edge_text(edge)}" for edge in step.edges_added)
    yield from (f"    - edge {_edge_text(edge)}" for edge in step.edges_removed)
    yield from (f"    ~ edge {_edge_change_text(change)}" for change in step.edges_changed)


def _field_lines(spec: FieldDiff) -> Iterator[str]:
    yield f"    ~ field {spec.name}" + (f" (was {spec.was})" if spec.was != spec.name else "")
    yield from (f"        {c.attribute}: {c.old} → {c.new}" for c in spec.changes)
    yield from (f"        + option {value}" for value in spec.options_added)
    yield from (f"        - option {value}" for value in spec.options_removed)


def _edge_name(edge: Edge) -> str:
    if edge.kind == "guard":
        return f"when {edge.condition}"
    return "otherwise" if edge.kind == "default" else "on reject"


def _targets_text(edge: Edge) -> str:
    if edge.returns:
        return "back to the latest of " + ", ".join(edge.targets)
    return ", ".join(edge.targets)


def _edge_text(edge: Edge) -> str:
    return f"{_edge_name(edge)} → {_targets_text(edge)}"


def _edge_change_text(change: EdgeChange) -> str:
    return f"{_edge_name(change.new)}: {_targets_text(change.old)} → {_targets_text(change.new)}"


# --- Mermaid -------------------------------------------------------------------------------------


def mermaid(new: Workflow, found: FlowDiff) -> str:
    """`to_mermaid(new)` with added steps and edges in class `added`, changed ones in `changed`,
    and the removed steps and edges drawn dashed in `removed` (their labels struck through)."""
    lines = to_mermaid(new).splitlines()
    marks = _edge_marks(found, new)
    by_mark: dict[str, list[int]] = {ADDED: [], CHANGED: [], REMOVED: []}
    links = [line for line in lines if _is_link(line)]
    for index, line in enumerate(links):
        mark = marks.get(_edge_id(new, line) or ("", "", ""))
        if mark is not None:
            by_mark[mark].append(index)
    removed_links = list(_removed_links(found))
    by_mark[REMOVED].extend(range(len(links), len(links) + len(removed_links)))
    lines.extend(f'    {step_id}["<s>{step_id}</s>"]' for step_id in found.steps_removed)
    lines.extend(removed_links)
    lines.extend(f"    classDef {name} {style}" for name, style in STYLES.items())
    lines.extend(_class_lines(found))
    lines.extend(
        f"    linkStyle {','.join(map(str, indexes))} {LINK_STYLES[name]}"
        for name, indexes in by_mark.items()
        if indexes
    )
    return "\n".join(lines) + "\n"


def _is_link(line: str) -> bool:
    """Node lines end with their shape's bracket; link lines with the target step's id."""
    return line.startswith("    ") and (line[-1].isalnum() or line[-1] == "_")


def _edge_id(new: Workflow, line: str) -> EdgeId | None:
    found = _LINK.match(line)
    if found is None or found.group(1) not in new.steps:
        return None
    source, label, target = found.groups()
    step = new.step(source)
    for guard in step.guards:
        if edge_label(guard) == label and target in target_steps(guard.target):
            return source, "guard", label
    if label == "rejected" and step.on_reject and target in target_steps(step.on_reject):
        return source, "on_reject", ""
    return source, "default", ""


def _edge_marks(found: FlowDiff, new: Workflow) -> dict[EdgeId, str]:
    marks: dict[EdgeId, str] = {}
    for step_id in found.steps_added:
        for guard in new.step(step_id).guards:
            marks[step_id, "guard", edge_label(guard)] = ADDED
        marks[step_id, "default", ""] = ADDED
        marks[step_id, "on_reject", ""] = ADDED
    for step in found.steps_changed:
        marks.update({(step.id, *edge.key): ADDED for edge in step.edges_added})
        marks.update({(step.id, *change.new.key): CHANGED for change in step.edges_changed})
    return marks


def _removed_links(found: FlowDiff) -> Iterator[str]:
    """One dashed link per removed edge target (a changed edge's old targets included)."""
    for step in found.steps_changed:
        for edge in step.edges_removed:
            yield from _dashed(step.id, edge, edge.targets)
        for change in step.edges_changed:
            gone = tuple(t for t in change.old.targets if t not in change.new.targets)
            yield from _dashed(step.id, change.old, gone)


def _dashed(source: str, edge: Edge, targets: tuple[str, ...]) -> Iterator[str]:
    label = edge.condition if edge.kind == "guard" else _edge_name(edge)
    yield from (f"    {source} -.->|<s>{label}</s>| {target}" for target in targets)


def _class_lines(found: FlowDiff) -> Iterator[str]:
    changed = [step.id for step in found.steps_changed]
    for name, ids in (
        (ADDED, found.steps_added),
        (CHANGED, changed),
        (REMOVED, found.steps_removed),
    ):
        if ids:
            yield f"    class {','.join(ids)} {name}"
