"""The flows document's reference: each workflow version rendered as Markdown from its definition.

`docs/FLOWS.md` keeps, for every version the registry holds, a section between
`<!-- generated: <name> v<version> -->` and `<!-- end generated -->`: the entries, a table per
step (its fields with their type, requirement, rules and options, then its transitions) and the
Mermaid diagram. `splice` rewrites those sections in a document and adds missing ones at its end;
`scripts/flow_docs.py` writes the file and a unit test checks that the committed one is current.
Everything here is derived from the definition, so the text changes only when the flow does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workflows import checks
from workflows.graph import to_mermaid
from workflows.model import Condition, Field, FieldType, Goto, Op, Step, Target, Workflow

END = "<!-- end generated -->"
SECTION = re.compile(r"<!-- generated: (\S+) v([0-9]+) -->\n.*?" + re.escape(END), re.DOTALL)

# The formats behind `checks.PATTERNS`, in words (a unit test keeps both tables alike).
FORMATS: dict[FieldType, str] = {
    FieldType.EMAIL: "an e-mail address",
    FieldType.PHONE: "E.164 or 10 digits (spaces, dots, dashes, brackets dropped)",
    FieldType.ZIP: "5 digits",
    FieldType.VIN: "17 characters, no I, O or Q, valid check digit (upper-cased)",
    FieldType.SSN: "9 digits, an issuable number (spaces and dashes dropped)",
    FieldType.DATE: "YYYY-MM-DD",
}


def start_marker(workflow: Workflow) -> str:
    return f"<!-- generated: {workflow.name} v{workflow.version} -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 10_000 else f"{value:,.0f}"


def field_rules(spec: Field) -> str:
    """What the server enforces on one field, besides its type and requirement."""
    rules: list[str] = []
    if spec.required_unless:
        rules.append("required unless " + " or ".join(f"`{n}`" for n in spec.required_unless))
    if spec.required_when is not None:
        rules.append("required when " + condition_text(spec.required_when))
    if spec.default is not None:
        rules.append(f"default {spec.default}")
    if spec.type in FORMATS:
        rules.append(FORMATS[spec.type])
    if spec.pattern:
        rules.append(f"matches `{spec.pattern}`")
    if spec.minimum is not None:
        rules.append(f"≥ {_number(spec.minimum)}")
    if spec.exclusive_minimum is not None:
        rules.append(f"> {_number(spec.exclusive_minimum)}")
    if spec.maximum_is_next_year:
        rules.append("≤ next year")
    elif spec.maximum is not None:
        rules.append(f"≤ {_number(spec.maximum)}")
    if spec.min_length is not None:
        rules.append(f"at least {spec.min_length} characters")
    max_length = spec.max_length or checks.DEFAULT_MAX_LENGTH.get(spec.type)
    if max_length is not None and spec.type not in FORMATS:
        rules.append(f"at most {max_length} characters")
    if spec.must_be_true:
        rules.append("must be true")
    if spec.min_age is not None or spec.max_age is not None:
        rules.append(f"age {spec.min_age or 0}..{spec.max_age or '∞'}")
    if spec.secret:
        rules.append("secret: used by the effect, never stored")
    elif spec.personal:
        rules.append("personal data")
    if spec.consent is not None:
        consent = spec.consent
        rules.append(f"a consent ({consent.text_id}, {consent.version}): recorded, never prefilled")
    if spec.group:
        rules.append(f"group `{spec.group}`")
    return "; ".join(rules)


def field_options(spec: Field) -> str:
    if spec.options_from:
        return f"from the service: {spec.options_from}"
    return ", ".join(option.value for option in spec.options)


def condition_text(condition: Condition) -> str:
    name = f"`{condition.field}`"
    if condition.op is Op.IS_TRUE:
        return f"{name} is true"
    if condition.op is Op.IS_FALSE:
        return f"{name} is false"
    if condition.op is Op.PRESENT:
        return f"{name} given"
    if condition.op is Op.IN and isinstance(condition.value, tuple):
        return f"{name} in {{{', '.join(condition.value)}}}"
    return f"{name} = {condition.value}"


def target_text(target: Target) -> str:
    if isinstance(target, Goto):
        return f"`{target.step}`"
    steps = ", ".join(f"`{step}`" for step in target.steps)
    return f"the latest of {steps} on the session's path"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _facts(step: Step) -> str:
    facts = [f'"{step.title}"']
    if step.effects:
        facts.append("effects: " + ", ".join(f"`{name}`" for name in step.effects))
    if step.awaits:
        facts.append(f"awaits `{step.awaits}`")
    if step.prefill_from:
        facts.append("prefilled from " + ", ".join(f"`{s}`" for s in step.prefill_from))
    for low, high in step.ordered:
        facts.append(f"`{low}` ≤ `{high}`")
    if step.lead_kind:
        facts.append(f"creates a {step.lead_kind} lead")
    facts.append(f"can go back: {_yes(step.can_go_back)}")
    facts.append(f"commits: {_yes(step.commits)}")
    if step.terminal:
        facts.append("terminal")
    return " · ".join(facts)


def _transitions(step: Step) -> list[str]:
    rows = [(condition_text(guard.when), target_text(guard.target)) for guard in step.guards]
    if step.default is not None:
        when = "otherwise" if step.guards else "always"
        if step.awaits:
            when = f"when `{step.awaits}` arrives"
        rows.append((when, target_text(step.default)))
    if step.on_reject is not None:
        rows.append(("a business rejection", target_text(step.on_reject)))
    if not rows:
        return []
    lines = ["| when | goes to |", "|---|---|"]
    lines.extend(f"| {_cell(when)} | {_cell(target)} |" for when, target in rows)
    return [*lines, ""]


def step_reference(step: Step) -> list[str]:
    lines = [f"#### `{step.id}` ({step.component.value})", "", _facts(step), ""]
    if step.fields:
        lines += ["| field | type | required | rules | options |", "|---|---|---|---|---|"]
        for spec in step.fields:
            cells = (
                f"`{spec.name}`",
                spec.type.value,
                _yes(spec.required),
                field_rules(spec),
                field_options(spec),
            )
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        lines.append("")
    return lines + _transitions(step)


def reference(workflow: Workflow) -> str:
    """The generated section of one version, markers included."""
    lines = [
        start_marker(workflow),
        f"### {workflow.name} v{workflow.version}",
        "",
        "| `startWorkflow` with workflowType | first step |",
        "|---|---|",
    ]
    for entry, first in workflow.entries.items():
        lines.append(f"| {entry.upper() if entry else 'null'} | `{first}` |")
    lines.append("")
    for step in workflow.steps.values():
        lines += step_reference(step)
    lines += ["```mermaid", to_mermaid(workflow).rstrip("\n"), "```", END]
    return "\n".join(lines)


class UnknownSection(ValueError):
    pass


def splice(document: str, workflows: Iterable[Workflow]) -> str:
    """The document with each version's section current; a version without one is appended at
    the end, and a section of a version not given is refused."""
    sections = {(w.name, w.version): reference(w) for w in workflows}
    unknown = [
        f"{name} v{version}"
        for name, version in SECTION.findall(document)
        if (name, int(version)) not in sections
    ]
    if unknown:
        raise UnknownSection(f"sections of undefined versions: {', '.join(unknown)}")
    present = {(name, int(version)) for name, version in SECTION.findall(document)}

    def current(found: re.Match[str]) -> str:
        return sections[(found.group(1), int(found.group(2)))]

    spliced = SECTION.sub(current, document)
    missing = [text for key, text in sections.items() if key not in present]
    if missing:
        spliced = spliced.rstrip("\n") + "\n\n" + "\n\n".join(missing) + "\n"
    return spliced


def prose(document: str) -> str:
    """The document without its generated sections."""
    return SECTION.sub("", document)
