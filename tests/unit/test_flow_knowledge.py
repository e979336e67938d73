"""The definition carries the flow: no step id of any shipped version is written in `app/`.

What the services used to infer from step ids (a results step's criteria, a summary, a lead's
kind, what comes next, the funnel's branches) is declared by the steps; a second workflow or a
new version needs no change in the service layer."""

from __future__ import annotations

import ast
from pathlib import Path

from workflows.registry import default

APP = Path(__file__).resolve().parents[2] / "app"
# Data names that happen to equal a step id: the consent record's key in a session's context,
# a lead's details and a confirmation's summary (the CRM contract), not a step.
DATA_KEYS = frozenset({"credit_consent"})


def _step_ids() -> frozenset[str]:
    return frozenset(step for workflow in default() for step in workflow.steps)


def _literals(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_no_step_id_is_written_in_the_application() -> None:
    steps = _step_ids() - DATA_KEYS
    found = [
        f"{path.relative_to(APP.parent)}:{line}: {value!r}"
        for path in sorted(APP.rglob("*.py"))
        for line, value in _literals(path.read_text(encoding="utf-8"))
        if value in steps
    ]
    assert found == []


def test_the_scan_sees_a_step_id_in_a_comparison_and_a_lookup() -> None:
    source = 'if step.id == "carin_results":\n    answers.get("vehicle_search", {})\n'
    assert [value for _, value in _literals(source)] == ["carin_results", "vehicle_search"]
    assert {"carin_results", "vehicle_search"} <= _step_ids()
