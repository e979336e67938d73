"""docs/FLOWS.md tells the truth about the definitions: its generated reference is the generator's
output for every version the registry holds, every step id and field name it writes exists in a
definition, and its prose names every step and field of the current versions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit import flow_versions
from workflows import checks, registry
from workflows.model import Workflow
from workflows.reference import FORMATS, SECTION, UnknownSection, prose, reference, splice

FLOWS = Path(__file__).resolve().parents[2] / "docs" / "FLOWS.md"
# A snake_case name in backticks, alone or as `name!` (required) or `name: value` (an answer).
NAME = re.compile(r"`([a-z][a-z0-9_]*)(?:!|: [^`]*)?`")
# Names the prose uses that are not the definitions' own: fields of the GraphQL step types.
GRAPHQL_NAMES = {"relaxations", "total", "lead"}


def vocabulary(workflows: list[Workflow]) -> set[str]:
    """Every name a definition gives: steps, fields, their groups and option sources, effects,
    awaited outcomes."""
    names: set[str] = set()
    for workflow in workflows:
        for step in workflow.steps.values():
            names.add(step.id)
            names.update(step.effects)
            if step.awaits is not None:
                names.add(step.awaits)
            for spec in step.fields:
                names.add(spec.name)
                names.update(n for n in (spec.group, spec.options_from) if n is not None)
    return names


def current_versions() -> list[Workflow]:
    flows = registry.default()
    return [flows.current(name) for name in flows.names()]


def test_the_committed_reference_is_the_generators_output() -> None:
    text = FLOWS.read_text(encoding="utf-8")

    assert splice(text, registry.default()) == text, "run: python -m scripts.flow_docs"


def test_every_version_of_every_workflow_has_its_section() -> None:
    documented = {(name, int(v)) for name, v in SECTION.findall(FLOWS.read_text(encoding="utf-8"))}

    assert documented == set(registry.default().releases)


def test_every_name_the_document_writes_is_a_definitions() -> None:
    written = set(NAME.findall(FLOWS.read_text(encoding="utf-8")))
    known = vocabulary(list(registry.default())) | GRAPHQL_NAMES

    assert len(written) > 50
    assert sorted(written - known) == []


def test_the_prose_names_every_step_and_field_of_the_current_versions() -> None:
    written = set(NAME.findall(prose(FLOWS.read_text(encoding="utf-8"))))
    for workflow in current_versions():
        steps = set(workflow.steps)
        fields = {spec.name for step in workflow.steps.values() for spec in step.fields}

        assert sorted(steps - written) == [], workflow.name
        assert sorted(fields - written) == [], workflow.name


def test_the_checks_catch_a_name_no_definition_has_and_a_stale_section() -> None:
    text = FLOWS.read_text(encoding="utf-8")
    known = vocabulary(list(registry.default())) | GRAPHQL_NAMES
    renamed = text.replace("`knows_vehicle!`", "`knows_the_vehicle!`", 1)
    stale = text.replace("| `intent` | enum | yes |", "| `intent` | enum | no |", 1)

    assert set(NAME.findall(renamed)) - known == {"knows_the_vehicle"}
    assert stale != text
    assert splice(stale, registry.default()) == text


def test_splice_appends_a_new_version_and_refuses_an_undefined_one() -> None:
    first, second = flow_versions.v1(), flow_versions.v2()
    document = "# Flows\n\nProse.\n\n" + reference(first) + "\n"

    both = splice(document, [first, second])

    assert both == document.rstrip("\n") + "\n\n" + reference(second) + "\n"
    assert splice(both, [first, second]) == both
    with pytest.raises(UnknownSection, match=r"shop v2"):
        splice(both, [first])


def test_each_format_the_validator_checks_is_described_in_words() -> None:
    assert set(FORMATS) == set(checks.PATTERNS)


def test_a_reference_renders_rules_transitions_and_the_diagram() -> None:
    text = reference(registry.definition("trex", 1))

    assert "| `year_min` | integer | no | ≥ 1990; ≤ next year |  |" in text
    assert "| `page` given | `search_results` |" in text
    assert "| a business rejection | the latest of `search_results`, `carin_results`" in text
    assert "secret: used by the effect, never stored" in text
    assert "```mermaid\nflowchart TD\n" in text


def test_a_reference_renders_required_when_defaults_and_consents() -> None:
    text = reference(registry.definition("trex", 2))

    assert "| `buyer_email` | email | no | required when `invite_channel` = email; " in text
    assert "| `fuel_type` | enum | no | default any | any, gasoline," in text
    assert "must be true; a consent (consent.contact, 2026-12): recorded, never prefilled" in text
