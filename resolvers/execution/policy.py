"""The execution policy of one schema, and the extension that applies it on Strawberry's path.

Both paths (Strawberry's, and the prepared operations that skip it) parse, count, validate and
mask through one `ExecutionPolicy`, so they agree, and share its caches: a document Strawberry
has validated is not validated again when it is prepared.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from graphql import DocumentNode, GraphQLError, parse, specified_rules
from opentelemetry.trace import Tracer
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ParseOptions

from resolvers.execution.cost import CostCap
from resolvers.execution.internals import (
    Validator,
    cached_validation,
    core_schema,
    provided_operation_name,
)
from resolvers.execution.limits import Limits, limit_rules
from resolvers.execution.request_errors import ambiguous_operation
from schema.errors import should_mask

MASKED = "Internal error."


class ExecutionPolicy:
    """Limits, caches and masking, built with the schema (so its caches live and die with it);
    the tracer of the operations' spans, when tracing is on."""

    def __init__(self, limits: Limits, tracer: Tracer | None = None) -> None:
        self.limits = limits
        self.tracer = tracer
        self.limit_rules = limit_rules(limits)
        # Strawberry's default rules (GraphQL's own) and ours: the prepared operations' key
        # into the validation cache is the one Strawberry's path makes.
        self.rules = (*specified_rules, *self.limit_rules)
        self.cap = CostCap(limits.max_selections)
        self.cached_parse = lru_cache(maxsize=limits.cache_size)(parse)
        self.validate: Validator = cached_validation(limits.cache_size)

    def parse(self, query: str, options: ParseOptions) -> tuple[DocumentNode, GraphQLError | None]:
        """Parsed and counted, with the refusal when over the cost cap; a document refused
        before comes back as a stand-in without being parsed. Raises GraphQLError when the
        document does not parse."""
        remembered = self.cap.refused(query)
        if remembered is not None:
            return remembered
        document: DocumentNode = self.cached_parse(query, **options)
        return document, self.cap.check(query, document)

    def masked(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        """The errors as answered (after they are logged): a fault's message masked; without
        suggestions, graphql-core's "Did you mean …?" taken off the others (it names fields
        and values)."""
        if not self.limits.suggestions:
            for error in errors:
                error.message = error.message.split(" Did you mean ", 1)[0]
        return [_masked(error) if should_mask(error) else error for error in errors]

    def mask_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self.masked(errors)  # type: ignore[attr-defined]


def _masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        MASKED, nodes=error.nodes, source=error.source, positions=error.positions, path=error.path
    )


class PolicyExtension(SchemaExtension):
    """The policy on Strawberry's path, as its only extension: the token limit, the depth and
    alias rules, parsing and validation cached, faults masked.

    Strawberry runs each extension's hooks around every phase of every request and around
    every result of every subscription, so five extensions cost five times the hooks (and the
    memory, for each open subscription); one does the same work once. A fresh one per request
    (it holds the request's execution context), around the schema's one policy."""

    def __init__(self, policy: ExecutionPolicy) -> None:
        self._policy = policy
        self._streamed = False

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self._policy.limits.max_tokens
        context.validation_rules = context.validation_rules + self._policy.limit_rules
        self._streamed = False
        yield
        if not self._streamed:  # each result of a stream was masked as it went
            self._policy.mask_result(context.result)

    def on_parse(self) -> Iterator[None]:
        """Parsed, and refused here when over the cost cap or when it has several operations
        and no operationName: validation never sees it. A document that does not parse is
        left to Strawberry, which parses it again and answers its syntax error as a
        pre-execution error (on every transport: raised here, it would escape a websocket's
        stream as a fault)."""
        context = self.execution_context
        try:
            document, refused = self._policy.parse(context.query or "", context.parse_options)
        except GraphQLError:
            yield
            return
        context.graphql_document = document
        if refused is None:
            refused = ambiguous_operation(document.definitions, provided_operation_name(context))
        if refused is not None:  # the request's answer; on_validate leaves it so
            context.pre_execution_errors = [refused]
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.graphql_document is not None:
            context.pre_execution_errors = self._policy.validate(
                core_schema(context.schema), context.graphql_document, context.validation_rules
            )
        yield

    def on_stream_result(self, result: object) -> Iterator[None]:
        """Each result of a subscription (or of a query over a websocket), before it is sent.
        Cheaper than MaskErrors' check, which asks a runtime-checkable Protocol for every
        result of every subscriber (7% of a fan-out's CPU)."""
        self._streamed = True
        self._policy.mask_result(result)
        yield
