"""Malformed GraphQL and malformed HTTP bodies: refused cleanly, never a 5xx, no internals."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.e2e.client import Api, operation

LEAKS = re.compile(r"Traceback|File \"|\.py\b|/work/|site-packages|line \d+, in", re.IGNORECASE)


def assert_clean_refusal(
    response: httpx.Response, *, statuses: tuple[int, ...] = (200, 400)
) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    assert not LEAKS.search(response.text), response.text[:2000]
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        assert isinstance(body, dict), body
        assert body.get("errors"), body
        for error in body["errors"]:
            assert isinstance(error.get("message"), str), error
            assert error["message"], error


def of_type_chain(levels: int) -> str:
    inner = "name"
    for _ in range(levels):
        inner = f"ofType {{ {inner} }}"
    return f'{{ __type(name: "Query") {{ fields {{ type {{ {inner} }} }} }} }}'


def deep_introspection(pairs: int) -> str:
    """`fields { type { fields { type { … } } } }`: 2 × `pairs` levels."""
    inner = "name"
    for _ in range(pairs):
        inner = f"fields {{ type {{ {inner} }} }}"
    return f"{{ __schema {{ types {{ {inner} }} }} }}"


def plain_deep_selection(levels: int) -> str:
    inner = "__typename"
    for _ in range(levels):
        inner = f'session(sessionId: "x") {{ ... on StaleStep {{ step {{ {inner} }} }} }}'
    return f"{{ {inner} }}"


MALFORMED: list[tuple[str, dict[str, Any]]] = [
    ("syntax error", {"json": {"query": "mutation { transition(input: {"}}),
    ("unknown field", {"json": {"query": '{ session(sessionId: "x") { nope } }'}}),
    ("unknown operation", {"json": {"query": "{ __typename }", "operationName": "Nope"}}),
    (
        "wrong variable type",
        {
            "json": {
                "query": operation("transition"),
                "variables": {"input": {"sessionId": "x", "currentStep": 5, "data": {}}},
            }
        },
    ),
    ("missing variables", {"json": {"query": operation("transition")}}),
    ("variables not an object", {"json": {"query": operation("transition"), "variables": [1]}}),
    ("query not a string", {"json": {"query": 42}}),
    ("no query", {"json": {"variables": {}}}),
    ("non-JSON body", {"content": b"not json", "headers": {"content-type": "application/json"}}),
    ("empty body", {"content": b"", "headers": {"content-type": "application/json"}}),
    ("JSON array batch", {"json": [{"query": "{ __typename }"}, {"query": "{ __typename }"}]}),
    ("60 levels deep (introspection)", {"json": {"query": deep_introspection(30)}}),
    ("60 levels deep (fields)", {"json": {"query": plain_deep_selection(60)}}),
    (
        "100 aliases",
        {"json": {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"}},
    ),
    ("many tokens", {"json": {"query": "{ " + "__typename " * 5_000 + "}"}}),
]


@pytest.mark.parametrize(("label", "request_args"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_malformed_graphql_is_refused_without_internals(
    api: Api, label: str, request_args: dict[str, Any]
) -> None:
    response = await api.http.post("/graphql", **request_args)
    assert_clean_refusal(response)


async def test_a_60_level_of_type_chain_is_answered_without_internals(api: Api) -> None:
    """Introspection is outside the depth limit; an `ofType` chain ends in nulls after a few
    levels, so answering it costs nothing. It must still be clean."""
    response = await api.http.post("/graphql", json={"query": of_type_chain(60)})
    assert response.status_code == 200, response.text[:500]
    assert not LEAKS.search(response.text), response.text[:2000]
    body = response.json()
    assert body.get("errors") or body["data"]["__type"]["fields"], body


async def test_get_with_a_query_string_is_refused(api: Api) -> None:
    response = await api.http.get("/graphql", params={"query": "{ __typename }"})
    assert_clean_refusal(response, statuses=(200, 400, 405))
    mutation = "mutation { startWorkflow(input: {}) { __typename } }"
    response = await api.http.get("/graphql", params={"query": mutation})
    assert_clean_refusal(response, statuses=(400, 405))


async def test_a_200_kb_body_gets_413_with_a_json_message(api: Api) -> None:
    padding = "x" * 200_000
    response = await api.http.post(
        "/graphql", json={"query": "{ __typename }", "variables": {"pad": padding}}
    )
    assert response.status_code == 413, response.text[:300]
    assert response.json()["errors"][0]["message"]
    assert not LEAKS.search(response.text)

    async def chunks() -> Any:
        for _ in range(200):
            yield b" " * 1_024

    response = await api.http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text[:300]
    assert response.json()["errors"][0]["message"]


async def test_client_mistakes_are_not_reported_as_internal_errors(api: Api) -> None:
    """A malformed operation is the client's fault: its GraphQL error says what is wrong."""
    cases = {
        "wrong variable type": {
            "query": operation("transition"),
            "variables": {"input": {"sessionId": "x", "currentStep": 5, "data": {}}},
        },
        "missing variables": {"query": operation("transition")},
        "null data": {
            "query": operation("transition"),
            "variables": {
                "input": {"sessionId": "x", "currentStep": "intent_selection", "data": None}
            },
        },
    }
    problems = []
    for label, body in cases.items():
        response = await api.http.post("/graphql", json=body)
        assert_clean_refusal(response)
        messages = [error["message"] for error in response.json()["errors"]]
        if any("internal" in message.lower() for message in messages):
            problems.append(f"{label}: {messages}")
    assert not problems, problems


async def test_deeply_nested_json_body_is_not_a_server_error(api: Api) -> None:
    """Hostile nesting that fits under the body limit: refused, never a 5xx."""
    flow = await api.start()
    depth = 10_000
    data = '{"a":' * depth + "1" + "}" * depth
    body = (
        '{"query": '
        + json.dumps(operation("transition"))
        + ', "variables": {"input": {"sessionId": '
        + json.dumps(flow.session_id)
        + ', "currentStep": "intent_selection", "data": '
        + data
        + "}}}"
    )
    response = await api.http.post(
        "/graphql",
        content=body.encode(),
        headers={"content-type": "application/json", "Authorization": f"Bearer {flow.token}"},
    )
    assert_clean_refusal(response)
    await flow.reload()
    assert flow.step_id == "intent_selection"


@pytest.mark.parametrize("body", [b'"{ __typename }"', b"42", b"null", b"true"])
async def test_a_json_body_that_is_not_an_object_is_not_a_server_error(
    api: Api, body: bytes
) -> None:
    response = await api.http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert_clean_refusal(response)
