"""Prepared operations: a document the API has already parsed and validated runs straight on
graphql-core.

A browser or host site sends the same few documents over and over. The first time, a document
goes through Strawberry's whole path (the policy's one extension, with hooks around every
phase); if it is a single query or mutation within the limits and valid, it is kept here. From
then on it is executed by graphql-core directly: the same schema, resolvers, context, executor
and policy (faults logged and masked the same way), without the per-request extension
machinery. Anything else (GET, batches, several operations in one document, subscriptions,
invalid documents) always takes Strawberry's path.

This is only sound while the schema's extensions are exactly those whose work is done here:
`PreparedOperations` refuses to be built for a schema with any other (see `REPLICATED`). With
tracing on, the operation's span is opened here as the traced extension opens it (`spans`).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, OperationType
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from resolvers.execution.internals import core_schema, execute
from resolvers.execution.policy import ExecutionPolicy, PolicyExtension
from resolvers.execution.spans import (
    OperationSpan,
    TracedPolicyExtension,
    executing,
    mark_errors,
    operation_span,
)

KEPT = 256
RUNNABLE = frozenset({OperationType.QUERY, OperationType.MUTATION})
# The extensions whose every hook this path does itself, through the same policy.
REPLICATED: tuple[type[SchemaExtension], ...] = (PolicyExtension, TracedPolicyExtension)


@dataclass(frozen=True, slots=True)
class Prepared:
    document: DocumentNode
    name: str | None
    span: OperationSpan


class PreparedOperations:
    def __init__(self, schema: strawberry.Schema, policy: ExecutionPolicy, size: int = KEPT):
        unknown = skipped_extensions(schema)
        if unknown:
            raise ValueError(f"prepared operations would skip the extensions {unknown}")
        self._schema = schema
        self._policy = policy
        self._size = size
        self._kept: OrderedDict[str, Prepared | None] = OrderedDict()

    def get(self, query: str, operation_name: str | None) -> Prepared | None:
        prepared = self._kept.get(query)
        if prepared is None or operation_name not in (None, prepared.name):
            return None
        return prepared

    def learn(self, query: str) -> None:
        """Keep `query` if it is runnable here (a refusal is kept too: it is not tried again)."""
        if query in self._kept:
            return
        self._kept[query] = self._prepare(query)
        if len(self._kept) > self._size:
            self._kept.popitem(last=False)

    def _prepare(self, query: str) -> Prepared | None:
        policy = self._policy
        try:
            document, refused = policy.parse(query, {"max_tokens": policy.limits.max_tokens})
        except GraphQLError:
            return None
        if refused is not None:
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation not in RUNNABLE:
            return None
        if policy.validate(core_schema(self._schema), document, policy.rules):
            return None
        name = None if operations[0].name is None else operations[0].name.value
        return Prepared(document, name, operation_span(operations[0].operation.value, name))

    async def run(
        self, prepared: Prepared, context: Any, variables: dict[str, Any] | None
    ) -> ExecutionResult:
        tracer = self._policy.tracer
        if tracer is None:
            return await self._run(prepared, context, variables)
        with executing(tracer, prepared.span) as span:
            result = await self._run(prepared, context, variables)
            mark_errors(span, result.errors)
        return result

    async def _run(
        self, prepared: Prepared, context: Any, variables: dict[str, Any] | None
    ) -> ExecutionResult:
        result = execute(self._schema, prepared.document, context, variables, prepared.name)
        if isawaitable(result):
            result = await result
        errors = result.errors
        if errors:
            self._schema.process_errors(errors)  # logged as Strawberry logs them
            errors = self._policy.masked(errors)
        return ExecutionResult(data=result.data, errors=errors)


def skipped_extensions(schema: strawberry.Schema) -> list[str]:
    """The extensions of `schema` (as Strawberry builds them for a request, directives' too)
    whose work the prepared operations would not do."""
    return [
        type(extension).__name__
        for extension in schema.get_extensions()
        if type(extension) not in REPLICATED
    ]
