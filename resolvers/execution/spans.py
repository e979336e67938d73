"""The GraphQL operation as a span, alike on both paths: Strawberry's (`TracedPolicyExtension`,
the policy's extension with one hook more) and the prepared operations' (`prepared.py`).

A span is named as the semantic conventions say (`mutation transition`) and carries the
operation's type and name only: never the document (a literal in it may be personal) nor the
variables (a transition's data carries names, SSNs and incomes), which Strawberry's own
OpenTelemetry extension would record. It covers execution, where the resolvers, the service,
the database and the external calls run as its children; parsing and validation are cached.
Tracing off, the schema has no tracer, uses the plain `PolicyExtension` and none of this runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from graphql import GraphQLError
from opentelemetry.trace import Span, Status, StatusCode, Tracer

from resolvers.execution.policy import ExecutionPolicy, PolicyExtension

OPERATION_TYPE = "graphql.operation.type"
OPERATION_NAME = "graphql.operation.name"


@dataclass(frozen=True, slots=True)
class OperationSpan:
    """What the span of one operation shows, made once per prepared document."""

    name: str
    attributes: Mapping[str, str]


def operation_span(operation_type: str, operation_name: str | None) -> OperationSpan:
    if not operation_name:
        return OperationSpan(operation_type, {OPERATION_TYPE: operation_type})
    attributes = {OPERATION_TYPE: operation_type, OPERATION_NAME: operation_name}
    return OperationSpan(f"{operation_type} {operation_name}", attributes)


@contextmanager
def executing(tracer: Tracer, operation: OperationSpan) -> Iterator[Span]:
    """The operation's span, current while it executes. Exceptions are not recorded: a
    fault's message may quote what it was about."""
    with tracer.start_as_current_span(
        operation.name, attributes=operation.attributes, record_exception=False
    ) as span:
        yield span


def mark_errors(span: Span, errors: list[GraphQLError] | None) -> None:
    """An answer with errors is a failed span; how many, never what they say."""
    if errors:
        span.set_status(Status(StatusCode.ERROR, f"{len(errors)} GraphQL errors"))


class TracedPolicyExtension(PolicyExtension):
    """The policy's extension, and the operation's span around execution."""

    def __init__(self, policy: ExecutionPolicy, tracer: Tracer) -> None:
        super().__init__(policy)
        self._tracer = tracer

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        operation = operation_span(context.operation_type.value, context.operation_name)
        with executing(self._tracer, operation) as span:
            yield
            mark_errors(span, getattr(context.result, "errors", None))
