"""Every use of Strawberry's or graphql-core's internals, and only here.

Each is pinned by tests/unit/test_execution_internals.py, which fails when an upgrade changes
what it relies on; pyproject.toml pins strawberry-graphql to one minor for them (see the
package's docstring). What is used, and why:

- `Schema._schema`: graphql-core's schema under Strawberry's, which graphql-core validates and
  executes against; Strawberry has no public accessor.
- `strawberry.schema.schema.validate_document`: Strawberry's own validation (the rules given,
  plus its MaybeNull and OneOf rules), so that both paths validate exactly as Strawberry would.
- `strawberry.execution.optimized_is_awaitable`: the awaitable check Strawberry hands
  graphql-core; the prepared operations execute as Strawberry does.
- `StrawberryGraphQLCoreExecutionContext`: Strawberry's default executor (its resolve info),
  the base of the shared subscription execution.
- graphql-core's `Executor._relevant_sub_fields`: the field memo that a per-event copy of an
  executor shares with the subscription's executor.
- `ExecutionContext._provided_operation_name`: the `operationName` the client sent; the public
  `operation_name` falls back to the first operation's name, so a document of several
  operations without one would run its first (even a mutation) instead of being refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

import strawberry
from graphql import ASTValidationRule, DocumentNode, Executor, GraphQLError, GraphQLSchema
from graphql import ExecutionResult as CoreResult
from graphql import execute as core_execute
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext, validate_document
from strawberry.types import ExecutionContext

__all__ = [
    "StrawberryGraphQLCoreExecutionContext",
    "Validator",
    "cached_validation",
    "core_schema",
    "execute",
    "forget_field_memo",
    "provided_operation_name",
]

Rules = tuple[type[ASTValidationRule], ...]
Validator = Callable[[GraphQLSchema, DocumentNode, Rules], list[GraphQLError]]


def core_schema(schema: strawberry.Schema) -> GraphQLSchema:
    return schema._schema


def cached_validation(size: int) -> Validator:
    """Strawberry's validation behind an LRU of its own (not Strawberry's module-level one):
    the schema, the document and the rules are the key, so the rules must be the very same
    tuple of classes each time."""
    validator: Validator = lru_cache(maxsize=size)(validate_document)
    return validator


def execute(
    schema: strawberry.Schema,
    document: DocumentNode,
    context: Any,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> CoreResult | Awaitable[CoreResult]:
    """graphql-core's execution as Strawberry calls it: its schema, executor class and
    awaitable check (and no middleware: no extension of ours resolves fields)."""
    return core_execute(
        core_schema(schema),
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
        is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        executor_class=schema.execution_context_class,
    )


def forget_field_memo(executor: Executor[Any]) -> None:
    """A memo of its own for a per-event executor: the copy graphql-core makes shares the
    subscription's, which would keep a new entry for every event for as long as the
    subscription lives."""
    executor._relevant_sub_fields = {}


def provided_operation_name(context: ExecutionContext) -> str | None:
    """The `operationName` of the request itself (None when the client sent none)."""
    name: str | None = context._provided_operation_name
    return name
