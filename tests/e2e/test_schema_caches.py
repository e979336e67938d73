"""A repeated operation is parsed and validated once (measured: validation was half of a
server's CPU while the caches missed), then runs as a prepared operation with the same answers,
faults masked as before."""

from __future__ import annotations

from functools import _lru_cache_wrapper
from typing import Any, cast

import pytest
from strawberry.extensions.validation_cache import _get_validate_cache

from app.web import prepared
from resolvers.root import Limits
from tests.e2e.client import Api, operation
from tests.e2e.conftest import RunningServer


async def _post(api: Api, query: str, variables: dict[str, Any]) -> Any:
    response = await api.http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def _fresh(query: str, tag: str) -> str:
    """The same operation as a text this server has not seen yet."""
    return f"# {tag}\n{query}"


async def test_a_repeated_operation_is_validated_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = cast("_lru_cache_wrapper[object]", _get_validate_cache(Limits().cache_size))
    validations: list[object] = []
    real_validate = prepared.validate  # type: ignore[attr-defined]

    def counted(*args: Any, **kwargs: Any) -> Any:
        validations.append(args)
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(prepared, "validate", counted)
    query = _fresh(operation("workflow_definition"), "validated once")
    first = await api.execute(query, {"name": "trex"})
    before = cache.cache_info()
    assert len(validations) == 1  # learnt as a prepared operation
    repeats = [await api.execute(query, {"name": "trex"}) for _ in range(5)]
    after = cache.cache_info()
    assert after.misses == before.misses
    assert len(validations) == 1
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
