"""startWorkflow: entries, host context, the token shown once."""

from __future__ import annotations

import pytest

from tests.e2e.client import Api, operation


@pytest.mark.parametrize(
    ("workflow_type", "first_step"),
    [(None, "intent_selection"), ("BUYING", "vehicle_knowledge"), ("SELLING", "has_buyer")],
)
async def test_the_workflow_type_picks_the_first_step(
    api: Api, workflow_type: str | None, first_step: str
) -> None:
    flow = await api.start(workflow_type)
    assert flow.step_id == first_step
    assert flow.step["session"]["status"] == "ACTIVE"
    assert flow.step["session"]["seq"] == 1
    assert flow.step["navigation"]["canGoBack"] is False


async def test_a_host_context_that_is_too_large_is_refused_clearly(api: Api) -> None:
    query = operation("start_workflow")
    variables = {"input": {"context": {"blob": "x" * 5_000}}}
    response = await api.http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert errors[0]["message"] == "context must be a JSON object of at most 4096 bytes."


async def test_an_unknown_workflow_name_has_no_definition(api: Api) -> None:
    found = await api.execute(operation("workflow_definition"), {"name": "unicorn"})
    assert found["workflowDefinition"] is None


async def test_any_defined_version_of_a_workflow_is_served_and_others_are_null(api: Api) -> None:
    query = (
        'query($v: Int) { workflowDefinition(name: "trex", version: $v) '
        "{ name version steps { id } } }"
    )
    current = await api.execute(query, {"v": None})
    first = await api.execute(query, {"v": 1})
    assert first["workflowDefinition"]["version"] == 1
    assert current["workflowDefinition"]["version"] >= 1
    assert {"intent_selection", "buying_complete"} <= {
        step["id"] for step in first["workflowDefinition"]["steps"]
    }
    assert (await api.execute(query, {"v": 99}))["workflowDefinition"] is None
