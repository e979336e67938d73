"""The schema: the root types, built once per app with its execution policy."""

from __future__ import annotations

from opentelemetry.trace import Tracer

from resolvers.execution.limits import LIMITS, Limits
from resolvers.execution.schema import PolicedSchema
from resolvers.mutations import Mutation
from resolvers.queries import Query
from resolvers.subscriptions import Subscription


def build_schema(limits: Limits = LIMITS, tracer: Tracer | None = None) -> PolicedSchema:
    """`tracer`: the GraphQL operations' spans (None: tracing off)."""
    return PolicedSchema(Query, Mutation, Subscription, limits, tracer)
