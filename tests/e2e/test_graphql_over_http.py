"""GraphQL over HTTP as the spec's draft says: the media type the client accepts and its status
codes, no operation over GET, and a document of several operations needs an operationName."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.client import Api, operation

GRAPHQL_RESPONSE = "application/graphql-response+json"
ACCEPTS = {"accept": GRAPHQL_RESPONSE}
BAD_VARIABLES = "query S($id: ID!) { session(sessionId: $id) { __typename } }"


async def post(api: Api, body: object, accept: str | None = GRAPHQL_RESPONSE) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return await api.http.post("/graphql", json=body, headers=headers)


def media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


@pytest.mark.parametrize(
    ("label", "body"),
    [
        ("does not parse", {"query": "{"}),
        ("does not validate", {"query": "{ nope }"}),
        ("bad variables", {"query": BAD_VARIABLES, "variables": {"id": 5.5}}),
        ("missing variables", {"query": BAD_VARIABLES}),
        ("two operations, no name", {"query": "query A { __typename } query B { __typename }"}),
        (
            "too many aliases",
            {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(99)) + " }"},
        ),
    ],
)
async def test_a_request_error_is_a_400_without_data(api: Api, label: str, body: object) -> None:
    response = await post(api, body)
    assert response.status_code == 400, (label, response.text)
    assert media(response) == GRAPHQL_RESPONSE
    answer = response.json()
    assert "data" not in answer, answer
    assert answer["errors"][0]["message"], answer
    legacy = await post(api, body, accept="application/json")
    assert legacy.status_code == 200, (label, legacy.text)
    assert media(legacy) == "application/json"
    assert legacy.json()["data"] is None


async def test_a_prepared_document_with_bad_variables_is_a_400_too(api: Api) -> None:
    """The second time a document comes it runs prepared (app.web.prepared): same answers."""
    for _ in range(3):
        ok = await post(api, {"query": BAD_VARIABLES, "variables": {"id": "nope"}})
        assert ok.status_code == 200, ok.text
        assert media(ok) == GRAPHQL_RESPONSE
        assert ok.json()["data"]["session"]["__typename"] == "SessionNotFound"
        refused = await post(api, {"query": BAD_VARIABLES, "variables": {"id": [1]}})
        assert refused.status_code == 400, refused.text
        assert "data" not in refused.json()


async def test_an_executed_operation_is_a_200_in_the_media_type_accepted(api: Api) -> None:
    for accept, expected in [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
    ]:
        response = await post(api, {"query": "{ __typename }"}, accept=accept)
        assert response.status_code == 200, response.text
        assert media(response) == expected, accept
        assert response.json() == {"data": {"__typename": "Query"}}


async def test_several_operations_need_an_operation_name(api: Api) -> None:
    """Without one, none runs (it ran the first, even a mutation)."""
    start = operation("start_workflow")
    document = f"{start}\nquery Probe {{ __typename }}"
    refused = await post(api, {"query": document, "variables": {"input": {}}})
    assert refused.status_code == 400, refused.text
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "OPERATION_NAME_REQUIRED"
    assert "operationName" in error["message"]
    named = await post(api, {"query": document, "operationName": "Probe"})
    assert named.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "query",
    ["mutation { startWorkflow(input: {}) { __typename } }", "{ __typename }"],
    ids=["mutation", "query"],
)
async def test_an_operation_over_get_is_a_405_allowing_post(api: Api, query: str) -> None:
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = await api.http.get(
            "/graphql", params={"query": query}, headers={"accept": accept}
        )
        assert response.status_code == 405, response.text
        assert response.headers["allow"] == "POST"
        assert media(response) == accept
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        assert "POST" in error["message"]


async def test_a_subscription_over_http_is_told_where_subscriptions_are(api: Api) -> None:
    subscription = {"query": operation("session_updates"), "variables": {"sessionId": "x"}}
    response = await post(api, subscription)
    assert response.status_code == 400, response.text
    assert "websockets" in response.json()["errors"][0]["message"]
    legacy = await post(api, subscription, accept="application/json")
    assert legacy.status_code == 200
    assert "graphql-transport-ws" in legacy.json()["errors"][0]["message"]
