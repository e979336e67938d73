"""Personal data by the definition: which answers are personal, and copies without them.

The session (and its lead) is the one place personal answers live. Every other copy (history,
idempotency snapshots, logs) keeps which fields were answered, not what was answered; erasure and
retention scrub the rest by the same field names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from workflows.engine import Answers
from workflows.model import Field, FieldType, Sensitivity, Step, Workflow

REDACTED = "[redacted]"
# Field names that hold a person's data whatever their type. A dealer's name is a business's.
_LOOKS_PERSONAL = re.compile(
    r"(^|_)(name|email|e_mail|phone|mobile|zip|postcode|address|birth|dob|income|salary|ssn)(_|$)"
)
_NOT_A_PERSON = ("dealer_",)
_PERSONAL_TYPES = frozenset({FieldType.EMAIL, FieldType.PHONE, FieldType.ZIP, FieldType.SSN})


def personal_names(workflow: Workflow) -> frozenset[str]:
    """Every field name that is personal or secret on some step (names mean the same thing on
    every step, so a copy without step context is scrubbed by name)."""
    return frozenset(
        spec.name for step in workflow.steps.values() for spec in step.fields if spec.personal
    )


def looks_personal(spec: Field) -> bool:
    """What the static checker expects to be marked: by type, or by a telling name."""
    if spec.type in _PERSONAL_TYPES:
        return True
    if spec.name.startswith(_NOT_A_PERSON):
        return False
    return bool(_LOOKS_PERSONAL.search(spec.name))


def redacted(step: Step, values: Mapping[str, Any]) -> dict[str, Any]:
    """The step's answers with personal and secret values replaced: which fields were given."""
    personal = {spec.name for spec in step.fields if spec.personal}
    return {k: (REDACTED if k in personal else v) for k, v in values.items()}


def scrubbed(value: Any, names: frozenset[str]) -> Any:
    """`value` (any JSON) with every entry named in `names` removed, at any depth."""
    if isinstance(value, Mapping):
        return {k: scrubbed(v, names) for k, v in value.items() if k not in names}
    if isinstance(value, list):
        return [scrubbed(item, names) for item in value]
    return value


def without_personal(workflow: Workflow, answers: Answers) -> dict[str, dict[str, Any]]:
    """Each step's answers, its personal ones left out."""
    kept: dict[str, dict[str, Any]] = {}
    for step_id, values in answers.items():
        step = workflow.steps.get(step_id)
        personal = {s.name for s in step.fields if s.personal} if step else set()
        kept[step_id] = {k: v for k, v in values.items() if k not in personal}
    return kept


def with_personal_from(
    workflow: Workflow, answers: Answers, live: Answers
) -> dict[str, dict[str, Any]]:
    """`answers` (kept without personal values) completed with the personal answers of `live`,
    the session as it is now: a replay shows what the session holds, never a second copy."""
    merged: dict[str, dict[str, Any]] = {}
    for step_id, values in answers.items():
        step = workflow.steps.get(step_id)
        personal = {s.name for s in step.fields if s.personal} if step else set()
        current = live.get(step_id, {})
        merged[step_id] = {**values, **{k: v for k, v in current.items() if k in personal}}
    return merged


def unmarked(step: Step) -> list[str]:
    """Fields that look personal but are marked as nothing (the checker's complaint)."""
    return [
        spec.name
        for spec in step.fields
        if spec.sensitivity is Sensitivity.NONE and looks_personal(spec)
    ]
