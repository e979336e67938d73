"""A Strawberry schema built with its execution policy, and holding what that builds: the
policy's caches, the shared subscription execution and the prepared operations.

Everything that outlives a request belongs to this object (no module-level state), so two
schemas (two apps, or a test's own) share nothing; the HTTP view reaches the prepared
operations through its schema, the subscription resolvers the shared events through
`info.schema`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from opentelemetry.trace import Tracer
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StreamResult
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType
from strawberry.types.info import Info

from resolvers.execution.error_log import log_errors
from resolvers.execution.limits import Limits
from resolvers.execution.policy import ExecutionPolicy, PolicyExtension
from resolvers.execution.prepared import PreparedOperations
from resolvers.execution.request_errors import refusals_first
from resolvers.execution.shared_events import SharedEvents
from resolvers.execution.spans import TracedPolicyExtension
from schema.scalars import scalar_overrides


class PolicedSchema(strawberry.Schema):
    def __init__(
        self,
        query: type,
        mutation: type,
        subscription: type,
        limits: Limits,
        tracer: Tracer | None = None,
    ) -> None:
        """`tracer` None: tracing off, no operation spans (resolvers.execution.spans)."""
        self.policy = ExecutionPolicy(limits, tracer)
        self.shared_events = SharedEvents()
        policy = self.policy
        # A factory: a fresh extension per request (it holds the request's execution context).
        extension: Callable[[], SchemaExtension] = (
            partial(PolicyExtension, policy)
            if tracer is None
            else partial(TracedPolicyExtension, policy, tracer)
        )
        super().__init__(
            query=query,
            mutation=mutation,
            subscription=subscription,
            extensions=[extension],
            execution_context_class=self.shared_events.execution_class,
            config=StrawberryConfig(disable_field_suggestions=not limits.suggestions),
            scalar_overrides=scalar_overrides(),
        )
        self.prepared = PreparedOperations(self, self.policy)

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> StreamResult:
        """Strawberry's stream, a refusal before the first event answered as a pre-execution
        error (resolvers.execution.request_errors): over graphql-transport-ws an `error`."""
        results = await super().stream(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            operation_extensions,
            allowed_operation_types,
        )
        return refusals_first(results)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Logged our way (resolvers.execution.error_log), not Strawberry's."""
        log_errors(errors)


def shared_events(info: Info[Any, Any]) -> SharedEvents:
    """The shared events of the schema `info` comes from."""
    schema = info.schema
    if not isinstance(schema, PolicedSchema):
        raise TypeError(f"{type(schema).__name__} is not built with an execution policy")
    return schema.shared_events
