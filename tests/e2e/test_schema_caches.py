"""A repeated operation is parsed and validated once (measured: validation was half of a
server's CPU while the caches missed), then runs as a prepared operation with the same answers,
faults masked as before."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.client import Api, operation
from tests.e2e.conftest import RunningServer


async def _post(api: Api, query: str, variables: dict[str, Any]) -> Any:
    response = await api.http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def _fresh(query: str, tag: str) -> str:
    """The same operation as a text this server has not seen yet."""
    return f"# {tag}\n{query}"


async def test_a_repeated_operation_is_parsed_and_validated_once(
    api: Api, running: RunningServer
) -> None:
    """Once on Strawberry's path; preparing it finds both in the policy's caches; from then on
    it runs prepared, without either."""
    policy = running.app.state.schema.policy
    parses, validations = policy.cached_parse.cache_info(), policy.validate.cache_info()
    query = _fresh(operation("workflow_definition"), "validated once")
    first = await api.execute(query, {"name": "trex"})
    assert running.app.state.schema.prepared.get(query, None) is not None
    learnt = policy.cached_parse.cache_info(), policy.validate.cache_info()
    assert [info.misses for info in learnt] == [parses.misses + 1, validations.misses + 1]
    assert [info.hits for info in learnt] == [parses.hits + 1, validations.hits + 1]
    repeats = [await api.execute(query, {"name": "trex"}) for _ in range(5)]
    assert (policy.cached_parse.cache_info(), policy.validate.cache_info()) == learnt
    assert all(repeat == first for repeat in repeats)
    assert first["workflowDefinition"]["name"] == "trex"


async def test_a_fault_is_masked_on_the_prepared_path_as_on_the_first(
    api: Api, running: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(name: str) -> object:
        raise RuntimeError("secret detail of a fault")

    monkeypatch.setattr(running.app.state.container.service, "definition", broken)
    query = _fresh(operation("workflow_definition"), "masked")
    answers = [await _post(api, query, {"name": "trex"}) for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert [error["message"] for error in answers[0]["errors"]] == ["Internal error."]
    assert "secret" not in str(answers)


async def test_bad_variables_and_other_operation_names_answer_as_on_the_first(api: Api) -> None:
    query = _fresh(operation("workflow_definition"), "variables")
    await api.execute(query, {"name": "trex"})  # now prepared
    missing = await _post(api, query, {})
    assert missing["errors"][0]["message"].startswith("Variable '$name'")
    response = await api.http.post(
        "/graphql",
        json={"query": query, "variables": {"name": "trex"}, "operationName": "Other"},
    )
    assert response.status_code == 400  # Strawberry's answer: no such operation
