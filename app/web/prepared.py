"""Prepared operations: a document the API has already parsed and validated runs straight on
graphql-core.

A browser or host site sends the same few documents over and over. The first time, a document
goes through Strawberry's whole path (its limits, caches, error masking, each as an extension
with hooks around every phase); if it is a single query or mutation that passes the same limits
(tokens, depth, aliases) and GraphQL's validation, it is kept here. From then on it is executed
by graphql-core directly: the same schema, resolvers and context, faults logged and masked the
same way, without the per-request extension machinery. Anything else (GET, batches, several
operations in one document, subscriptions, invalid documents) always takes Strawberry's path.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    specified_rules,
    validate,
)
from strawberry.execution import optimized_is_awaitable
from strawberry.types import ExecutionResult

from resolvers.cost import cost_cap
from resolvers.root import MASKED, Limits, limit_rules
from schema.errors import should_mask

KEPT = 256
RUNNABLE = frozenset({OperationType.QUERY, OperationType.MUTATION})


@dataclass(frozen=True, slots=True)
class Prepared:
    document: DocumentNode
    name: str | None


class PreparedOperations:
    def __init__(self, schema: strawberry.Schema, limits: Limits, size: int = KEPT) -> None:
        self._schema = schema
        self._max_tokens = limits.max_tokens
        self._cap = cost_cap(limits.max_selections)
        self._rules: Sequence[type[ASTValidationRule]] = [*specified_rules, *limit_rules(limits)]
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
        if self._cap.refused(query) is not None:
            return None
        try:
            document = parse(query, max_tokens=self._max_tokens)
        except GraphQLError:
            return None
        if self._cap.check(query, document) is not None:  # before the costly validation
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation not in RUNNABLE:
            return None
        if validate(self._schema._schema, document, self._rules):
            return None
        name = operations[0].name
        return Prepared(document, None if name is None else name.value)

    async def run(
        self, prepared: Prepared, context: Any, variables: dict[str, Any] | None
    ) -> ExecutionResult:
        result = execute(
            self._schema._schema,
            prepared.document,
            context_value=context,
            variable_values=variables,
            operation_name=prepared.name,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
            executor_class=self._schema.execution_context_class,
        )
        if isawaitable(result):
            result = await result
        errors = result.errors
        if errors:
            self._schema.process_errors(errors)  # logged as Strawberry logs them
            errors = [_masked(error) if should_mask(error) else error for error in errors]
        return ExecutionResult(data=result.data, errors=errors)


def _masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        MASKED, nodes=error.nodes, source=error.source, positions=error.positions, path=error.path
    )
