"""Request errors (refused before execution) and how each transport tells them: several
operations without an operationName are one, a subscription refused before its first event
is one (a pre-execution error, so an `error` message), the media types and their statuses,
and which websocket messages are no protocol messages."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import pytest
import strawberry
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from app.web.media import GRAPHQL_RESPONSE, JSON, negotiated, shaped
from app.web.websockets import message_fault
from resolvers.execution.limits import LIMITS
from resolvers.execution.request_errors import is_request_error, is_request_error_answer
from resolvers.execution.schema import PolicedSchema
from schema.errors import PublicError

RAN: list[str] = []


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"

    @strawberry.field
    def required(self) -> str:
        raise PublicError("Not yours.")


@strawberry.type
class Mutation:
    @strawberry.mutation
    def record(self) -> bool:
        RAN.append("record")
        return True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def refused(self) -> AsyncGenerator[int, None]:
        raise PublicError("Session x not found.")
        yield 0  # an async generator, as the service's updates are

    @strawberry.subscription
    async def interrupted(self) -> AsyncGenerator[int, None]:
        yield 1
        raise PublicError("Live updates interrupted.")


def _schema() -> PolicedSchema:
    return PolicedSchema(Query, Mutation, Subscription, LIMITS)


async def test_several_operations_without_a_name_run_none() -> None:
    RAN.clear()
    schema = _schema()
    document = "mutation M { record } query Q { hello }"
    refused = await schema.execute(document)
    assert refused.data is None
    assert refused.errors is not None
    assert [e.extensions for e in refused.errors] == [{"code": "OPERATION_NAME_REQUIRED"}]
    assert "operationName" in refused.errors[0].message
    assert RAN == []  # the mutation, first in the document, did not run
    assert is_request_error(refused)
    named = await schema.execute(document, operation_name="Q")
    assert named.data == {"hello": "hi"}
    assert (await schema.execute("{ hello }")).data == {"hello": "hi"}


async def _stream(schema: PolicedSchema, query: str) -> list[ExecutionResult]:
    return [r async for r in await schema.stream(query) if isinstance(r, ExecutionResult)]


async def test_a_subscription_refused_before_its_first_event_is_a_pre_execution_error() -> None:
    results = await _stream(_schema(), "subscription { refused }")
    assert len(results) == 1
    assert isinstance(results[0], PreExecutionError)
    assert [e.message for e in results[0].errors or ()] == ["Session x not found."]


async def test_an_error_after_the_first_event_stays_an_execution_result() -> None:
    results = await _stream(_schema(), "subscription { interrupted }")
    assert [r.data for r in results] == [{"interrupted": 1}, None]
    assert not any(isinstance(r, PreExecutionError) for r in results)


@pytest.mark.parametrize(
    ("query", "pre_execution"),
    [("{", True), ("{ nope }", True), ("query A { hello } query B { hello }", True)],
)
async def test_a_stream_refuses_bad_documents_without_raising(
    query: str, pre_execution: bool
) -> None:
    """A syntax error too (raised by the policy's parse, it escaped a websocket's stream as a
    fault with a traceback)."""
    results = await _stream(_schema(), query)
    assert len(results) == 1
    assert isinstance(results[0], PreExecutionError) is pre_execution


async def test_a_field_error_is_no_request_error() -> None:
    result = await _schema().execute("{ required }")
    assert result.data is None
    assert result.errors
    assert not is_request_error(result)


@pytest.mark.parametrize(
    ("answer", "request_error"),
    [
        ({"data": None, "errors": [{"message": "Syntax Error"}]}, True),
        ({"errors": [{"message": "x"}]}, True),
        ({"data": None, "errors": [{"message": "x", "path": ["a"]}]}, False),
        ({"data": {"a": None}, "errors": [{"message": "x"}]}, False),
        ({"data": {"a": 1}}, False),
        ({"data": None, "errors": []}, False),
        ({"data": None, "errors": "x"}, False),
    ],
)
def test_request_error_answers(answer: dict[str, Any], request_error: bool) -> None:
    assert is_request_error_answer(answer) is request_error


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/json", JSON),
        ("application/*", JSON),
        ("text/html", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        ("Application/GraphQL-Response+JSON;charset=utf-8", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, application/json", JSON),
        (f"{GRAPHQL_RESPONSE};q=0.5, */*;q=0.4", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0, application/json", JSON),
        (f"{GRAPHQL_RESPONSE};q=nan", JSON),
        (f"{GRAPHQL_RESPONSE};q=x", JSON),
        ("application/json;q=0.9, " + GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    ],
)
def test_the_media_type_a_request_accepts(accept: str | None, media: str) -> None:
    assert negotiated(accept) == media


def test_a_request_error_is_a_400_without_data_only_in_graphql_response_json() -> None:
    refused = {"data": None, "errors": [{"message": "Syntax Error"}]}
    assert shaped(refused, GRAPHQL_RESPONSE) == (400, {"errors": refused["errors"]})
    assert shaped(refused, JSON) == (200, refused)
    executed = {"data": None, "errors": [{"message": "x", "path": ["a"]}]}
    assert shaped(executed, GRAPHQL_RESPONSE) == (200, executed)
    assert shaped([refused], GRAPHQL_RESPONSE) == (200, [refused])


@pytest.mark.parametrize(
    ("message", "fault"),
    [
        ([1, 2], "a message must be a JSON object"),
        ("hi", "a message must be a JSON object"),
        ({"type": 5}, '"type" must be a string'),
        ({"type": "subscribe", "payload": {"query": "{ a }"}}, '"id" must be a non-empty string'),
        ({"type": "subscribe", "id": "", "payload": {"query": "{ a }"}}, '"id" must be'),
        ({"type": "complete", "id": ["1"]}, '"id" must be a non-empty string'),
        ({"type": "subscribe", "id": "1", "payload": None}, '"payload" must be an object'),
        ({"type": "subscribe", "id": "1", "payload": {}}, '"payload.query" must be a string'),
        ({"type": "subscribe", "id": "1", "payload": {"query": 42}}, '"payload.query" must be'),
        (
            {"type": "subscribe", "id": "1", "payload": {"query": "{ a }", "variables": [1]}},
            '"payload.variables" must be an object or null',
        ),
        (
            {"type": "subscribe", "id": "1", "payload": {"query": "{ a }", "operationName": 1}},
            '"payload.operationName" must be a string or null',
        ),
        ({"type": "connection_init", "payload": "x"}, '"payload" must be an object or null'),
        ({"type": "ping", "payload": [1]}, '"payload" must be an object or null'),
    ],
)
def test_what_is_no_protocol_message(message: object, fault: str) -> None:
    assert (message_fault(message) or "").startswith(fault), message_fault(message)


@pytest.mark.parametrize(
    "message",
    [
        {"type": "connection_init"},
        {"type": "connection_init", "payload": None},
        {"type": "connection_init", "payload": {"authorization": "Bearer x"}},
        {"type": "ping"},
        {"type": "pong", "payload": None},
        {"type": "complete", "id": "1"},
        {"type": "subscribe", "id": "1", "payload": {"query": "{ a }"}},
        {
            "type": "subscribe",
            "id": "1",
            "payload": {"query": "{ a }", "variables": None, "operationName": None},
        },
        {"type": "unknown"},  # Strawberry closes it with 4400, naming the type
    ],
)
def test_protocol_messages_pass(message: object) -> None:
    assert message_fault(message) is None
