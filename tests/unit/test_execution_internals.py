"""What resolvers.execution.internals relies on in Strawberry and graphql-core, one test per
use: each fails when an upgrade changes it. And nothing else of ours touches them."""

from __future__ import annotations

import ast
import inspect
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import graphql
import pytest
import strawberry
import strawberry.schema.schema as strawberry_schema
from graphql import Executor, GraphQLSchema, parse, specified_rules
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from resolvers.execution.internals import (
    StrawberryGraphQLCoreExecutionContext,
    cached_validation,
    core_schema,
    forget_field_memo,
    provided_operation_name,
)

ROOT = Path(__file__).resolve().parents[2]


@strawberry.input(one_of=True)
class Choice:
    a: int | None = strawberry.UNSET
    b: int | None = strawberry.UNSET


@strawberry.type
class Greeting:
    text: str


@strawberry.type
class Query:
    @strawberry.field
    def pick(self, choice: Choice) -> int:
        return 1


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def greeting(self) -> AsyncGenerator[Greeting, None]:
        yield Greeting(text="hello")


SCHEMA = strawberry.Schema(Query, subscription=Subscription)


def test_schema_underscore_schema_is_the_graphql_core_schema_strawberry_serves() -> None:
    """graphql-core runs Strawberry's resolvers on it."""
    core = core_schema(SCHEMA)
    assert isinstance(core, GraphQLSchema)
    assert {"Query", "Subscription", "Choice", "Greeting"} <= set(core.type_map)
    assert graphql.graphql_sync(core, "{ pick(choice: {a: 1}) }").data == {"pick": 1}


@pytest.mark.parametrize(
    "query",
    ["{ pick(choice: {a: 1}) }", "{ pick(choice: {a: 1, b: 2}) }", "{ nope }", "{ pick }"],
)
def test_validate_document_is_the_validation_strawberry_runs(query: str) -> None:
    """Our cache of it answers as Strawberry's own path does, its OneOf rule included."""
    params = list(inspect.signature(strawberry_schema.validate_document).parameters)
    assert params == ["schema", "document", "validation_rules"]
    ours = cached_validation(4)(core_schema(SCHEMA), parse(query), tuple(specified_rules))
    theirs = SCHEMA.execute_sync(query).errors or []
    assert [e.message for e in ours] == [e.message for e in theirs]
    if "b: 2" in query:
        assert ours  # the OneOf rule, which graphql-core's own rules do not have


def test_optimized_is_awaitable_is_what_strawberry_hands_graphql_core() -> None:
    assert strawberry_schema.optimized_is_awaitable is optimized_is_awaitable  # type: ignore[attr-defined]
    assert not any(optimized_is_awaitable(value) for value in (None, 1, "x", [1], {"a": 1}))

    async def later() -> None:
        return None

    pending = later()
    assert optimized_is_awaitable(pending)
    pending.close()


def test_graphql_core_execute_takes_the_executor_class_and_awaitable_check() -> None:
    params = inspect.signature(graphql.execute).parameters
    assert {"executor_class", "is_awaitable", "context_value", "variable_values"} <= set(params)


def test_strawberry_executes_with_its_default_execution_context() -> None:
    """The base of the shared subscription execution, and the methods it overrides."""
    assert SCHEMA.execution_context_class is StrawberryGraphQLCoreExecutionContext
    assert issubclass(StrawberryGraphQLCoreExecutionContext, Executor)
    per_event = inspect.signature(Executor.build_per_event_executor).parameters
    assert list(per_event) == ["self", "payload"]
    assert list(inspect.signature(Executor.execute_operation).parameters) == ["self", "serially"]


def _executor() -> Executor[Any]:
    schema = graphql.build_schema(
        "type Query { dummy: String } type Greeting { text: String }"
        " type Subscription { greeting: Greeting }"
    )
    return Executor.build(schema, parse("subscription { greeting { text } }"))  # type: ignore[return-value]


def test_a_per_event_executor_shares_the_field_memo_unless_given_its_own() -> None:
    executor = _executor()
    copy = executor.build_per_event_executor({"greeting": {"text": "hi"}})
    assert copy._relevant_sub_fields is executor._relevant_sub_fields
    copy.execute_operation(False)
    assert executor._relevant_sub_fields  # filled by the event: it would grow per event
    own = executor.build_per_event_executor({"greeting": {"text": "ho"}})
    forget_field_memo(own)
    assert own._relevant_sub_fields == {}
    assert own.execute_operation(False).data == {"greeting": {"text": "ho"}}  # type: ignore[union-attr]
    assert own._relevant_sub_fields is not executor._relevant_sub_fields


def test_strawberry_validates_with_graphql_s_rules_unless_told_otherwise() -> None:
    """The prepared operations' key into the validation cache is the one Strawberry's path
    makes from this default."""
    context = ExecutionContext(query="{ pick }", schema=SCHEMA, allowed_operations=())
    assert context.validation_rules == tuple(specified_rules)
    assert context.parse_options == {}


def test_strawberry_takes_a_document_and_errors_an_extension_set() -> None:
    """The policy parses and validates in its hooks; Strawberry must then do neither."""

    class Parsed(SchemaExtension):
        def on_parse(self) -> Any:
            self.execution_context.graphql_document = parse("{ pick(choice: {a: 1}) }")
            yield

        def on_validate(self) -> Any:
            self.execution_context.pre_execution_errors = []
            yield

    schema = strawberry.Schema(Query, extensions=[Parsed])
    original = strawberry_schema.validate_document
    try:
        strawberry_schema.validate_document = None  # type: ignore[assignment]
        assert schema.execute_sync("{ not parsed").data == {"pick": 1}
    finally:
        strawberry_schema.validate_document = original


def test_the_provided_operation_name_is_what_the_request_sent() -> None:
    """Strawberry's public `operation_name` falls back to the first operation's name (so it
    would run the first of several); the one the client sent is kept apart."""
    document = parse("query A { pick(choice: {a: 1}) } query B { pick(choice: {b: 1}) }")
    sent = ExecutionContext(query="", schema=SCHEMA, allowed_operations=())
    sent.graphql_document = document
    assert sent.operation_name == "A"
    assert provided_operation_name(sent) is None
    named = ExecutionContext(
        query="", schema=SCHEMA, allowed_operations=(), provided_operation_name="B"
    )
    assert provided_operation_name(named) == "B"


PRIVATE_ATTRIBUTES = {
    "_schema",
    "_relevant_sub_fields",
    "_process_errors",
    "_process_result",
    "_provided_operation_name",
}
PRIVATE_NAMES = {
    "_get_parse_cache",
    "_get_validate_cache",
    "optimized_is_awaitable",
    "validate_document",
    "StrawberryGraphQLCoreExecutionContext",
}
LIBRARIES = ("strawberry", "graphql", "broadcaster")


def _touches(tree: ast.AST) -> bool:
    """A private attribute of another object, or a private name or module of a library."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE_ATTRIBUTES:
            receiver = node.value
            if not (isinstance(receiver, ast.Name) and receiver.id == "self"):
                return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(LIBRARIES):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if "._" in module or names & PRIVATE_NAMES:
                return True
        if isinstance(node, ast.Import) and any(
            a.name.startswith(LIBRARIES) and "._" in a.name for a in node.names
        ):
            return True
    return False


def test_only_internals_touches_them() -> None:
    touching = sorted(
        str(path.relative_to(ROOT))
        for package in ("app", "resolvers", "schema", "workflows", "sandbox", "vehicles")
        for path in (ROOT / package).rglob("*.py")
        if _touches(ast.parse(path.read_text()))
    )
    assert touching == ["resolvers/execution/internals.py"]
