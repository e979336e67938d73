"""The cost cap against a real server: the issue's 22 KB query of one field repeated (inside the
token limit, over 100 ms of validation each time it was new) is refused before validation on
every path (Strawberry's, the prepared operations learning it, a websocket subscribe), again
from the memory of refusals, and a visitor's transition still works."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from graphql import OverlappingFieldsCanBeMergedRule
from graphql.language import ast

from app.settings import Settings
from resolvers.execution.cost import QUERY_TOO_COMPLEX
from tests.e2e.client import Api, operation
from tests.e2e.conftest import RunningServer

LIMIT = Settings().max_selections
REPEATED = " ".join(["__typename"] * 1980)  # 21.8 KB, 1,982 tokens


def _fresh(query: str) -> str:
    """A text no cache of this server has seen (a comment is not a token)."""
    return f"# {uuid.uuid4()}\n{query}"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each run of graphql-core's quadratic rule: one per validation, on either path."""
    runs: list[object] = []
    real = OverlappingFieldsCanBeMergedRule.enter_selection_set

    def counted(self: Any, node: ast.SelectionSetNode, *args: Any) -> Any:
        runs.append(node)
        return real(self, node, *args)

    monkeypatch.setattr(OverlappingFieldsCanBeMergedRule, "enter_selection_set", counted)
    return runs


def _assert_too_complex(errors: list[dict[str, Any]]) -> None:
    (error,) = errors
    assert error["extensions"] == {"code": QUERY_TOO_COMPLEX, "limit": LIMIT}
    assert f"the limit is {LIMIT}" in error["message"]


async def test_the_repeated_field_query_is_refused_before_validation_and_again_from_memory(
    api: Api, running: RunningServer, validations: list[object]
) -> None:
    query = _fresh(f"query {{ {REPEATED} }}")
    for _ in range(3):
        response = await api.http.post("/graphql", json={"query": query})
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        _assert_too_complex(body["errors"])
    assert validations == []  # neither Strawberry's path nor the prepared operations validated
    # refused again without a parse, from the memory of the server's schema
    assert running.app.state.schema.policy.cap.refused(query) is not None


async def test_within_the_cap_the_document_is_validated_and_answered(
    api: Api, validations: list[object]
) -> None:
    """The counter above counts: a document as large as a visitor's own is validated."""
    query = _fresh(operation("transition"))
    variables = {"input": {"sessionId": str(uuid.uuid4()), "currentStep": "x", "data": {}}}
    data = await api.execute(query, variables, "no-such-token")
    assert data["transition"]["__typename"] == "SessionNotFound"
    assert validations


async def test_a_subscribe_over_the_cap_is_an_error_and_the_socket_stays_open(
    api: Api, validations: list[object]
) -> None:
    fields = " ".join(["seq"] * (LIMIT + 1))
    query = _fresh(f'subscription {{ sessionUpdates(sessionId: "x") {{ {fields} }} }}')
    async with api.subscribe(query, {}, None) as subscription:
        message = await subscription.next()
        assert message["type"] == "error", message
        _assert_too_complex(message["payload"])
        await subscription.ws.send(json.dumps({"type": "ping"}))
        assert (await subscription.next())["type"] == "pong"
    assert validations == []


async def test_a_visitor_walks_on_after_refusals(api: Api) -> None:
    for _ in range(2):
        response = await api.http.post("/graphql", json={"query": _fresh(f"{{ {REPEATED} }}")})
        _assert_too_complex(response.json()["errors"])
    flow = await api.start()
    assert flow.step_id == "intent_selection"
    await flow.submit({"intent": "buying"})
    assert flow.step_id == "vehicle_knowledge", flow.step
