"""Every operation in graphql-examples/ is valid against the schema and runs as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graphql import parse, validate

from resolvers.execution.internals import core_schema
from resolvers.root import build_schema
from tests.e2e.client import EXAMPLES, Api, operation

FILES = sorted(EXAMPLES.glob("*.graphql"))


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_example_is_valid_against_the_schema(path: Path) -> None:
    schema = core_schema(build_schema())
    assert validate(schema, parse(path.read_text())) == []
    variables = path.with_suffix(".json")
    assert variables.exists(), f"{path.name} has no variables file"
    json.loads(variables.read_text())


def _variables(name: str, session_id: str, step: str) -> dict[str, object]:
    text = (EXAMPLES / f"{name}.json").read_text()
    text = text.replace("<session id from startWorkflow>", session_id)
    text = text.replace("<session id>", session_id)
    variables: dict[str, object] = json.loads(text)
    inputs = variables.get("input")
    if isinstance(inputs, dict) and "currentStep" in inputs:
        inputs["currentStep"] = step
    return variables


async def test_examples_run_as_documented(api: Api) -> None:
    started = await api.execute(operation("start_workflow"), _variables("start_workflow", "", ""))
    first_step = started["startWorkflow"]
    token, session_id = first_step["started"]["token"], first_step["session"]["id"]
    assert first_step["id"] == f"{session_id}:intent_selection:1:start"
    moved = await api.execute(
        operation("transition"), _variables("transition", session_id, "intent_selection"), token
    )
    assert moved["transition"]["stepId"] == "vehicle_knowledge"
    assert moved["transition"]["started"] is None
    seq = moved["transition"]["session"]["seq"]
    assert moved["transition"]["id"] == f"{session_id}:vehicle_knowledge:{seq}"
    resumed = await api.execute(operation("session"), _variables("session", session_id, ""), token)
    assert resumed["session"]["stepId"] == "vehicle_knowledge"
    assert resumed["session"]["id"] == moved["transition"]["id"]
    back = await api.execute(
        operation("back"), _variables("back", session_id, "vehicle_knowledge"), token
    )
    assert back["back"]["stepId"] == "intent_selection"
    definition = await api.execute(
        operation("workflow_definition"), _variables("workflow_definition", "", "")
    )
    info = definition["workflowDefinition"]
    assert info["name"] == "trex"
    assert info["mermaid"].startswith("flowchart TD")
    assert {"workflowType": "ANY", "stepId": "intent_selection"} in info["entryPoints"]
    assert {
        "source": "replacement_check",
        "target": "vehicle_knowledge",
        "label": "wants_replacement = true",
    } in info["edges"]
    subscription = _variables("session_updates", session_id, "")
    async with api.subscribe(operation("session_updates"), subscription, token) as updates:
        first = (await updates.next())["payload"]["data"]["sessionUpdates"]
    assert first["seq"] == 1
    assert first["type"] == "STEP_CHANGED"
