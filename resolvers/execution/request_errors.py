"""Request errors: a request refused before its execution began (GraphQL spec §7.1.2; the
GraphQL-over-HTTP draft's "request error").

A document that does not parse, does not validate, is over a limit, names no operation among
several, or whose variables do not coerce, is refused whole: the answer has errors and no data,
and none of its errors has a `path` (a field error always has one). So is a subscription whose
source stream refused to start (an unknown session, a wrong token) before its first event.
Over HTTP with `application/graphql-response+json` such an answer is a 400 without `data`;
over graphql-transport-ws it is an `error` message, not a `next` (app.web).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

NO_OPERATION_NAME = "The document has {count} operations: operationName must name the one to run."


def is_request_error(result: ExecutionResult) -> bool:
    errors = result.errors
    return result.data is None and bool(errors) and all(e.path is None for e in errors or ())


def is_request_error_answer(answer: Mapping[str, Any]) -> bool:
    """The same, for an answer as sent (its errors formatted)."""
    errors = answer.get("errors")
    return (
        answer.get("data") is None
        and isinstance(errors, list)
        and bool(errors)
        and all(isinstance(error, Mapping) and "path" not in error for error in errors)
    )


def ambiguous_operation(definitions: object, operation_name: str | None) -> GraphQLError | None:
    """A document of several operations without an `operationName` is refused (graphql-core
    would refuse it too, had Strawberry not picked the first operation's name for it)."""
    if operation_name is not None or not isinstance(definitions, tuple | list):
        return None
    count = sum(isinstance(d, OperationDefinitionNode) for d in definitions)
    if count < 2:
        return None
    return GraphQLError(
        NO_OPERATION_NAME.format(count=count), extensions={"code": "OPERATION_NAME_REQUIRED"}
    )


async def refusals_first(results: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
    """A stream's results, its first as a `PreExecutionError` when it is a request error (the
    source stream refused before its first event): the graphql-transport-ws handler answers
    that with an `error` message. Later results pass as they are (`next`)."""
    first = True
    async with aclosing(results):
        async for result in results:
            if (
                first
                and isinstance(result, ExecutionResult)
                and not isinstance(result, PreExecutionError)
                and is_request_error(result)
            ):
                result = PreExecutionError(
                    data=None, errors=result.errors, extensions=result.extensions
                )
            first = False
            yield result
