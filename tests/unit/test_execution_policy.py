"""The execution policy: the prepared operations know every extension they skip, both paths
answer alike, and every cache belongs to one schema (no module-level state)."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import AsyncGenerator
from dataclasses import replace
from enum import Enum
from types import ModuleType
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError
from opentelemetry.trace import NoOpTracer
from strawberry.directive import DirectiveLocation
from strawberry.extensions import MaskErrors, ParserCache, SchemaExtension
from strawberry.types.execution import PreExecutionError

import resolvers.execution
from resolvers.execution.limits import LIMITS, Limits
from resolvers.execution.policy import MASKED, ExecutionPolicy, PolicyExtension
from resolvers.execution.prepared import REPLICATED, PreparedOperations, skipped_extensions
from resolvers.execution.schema import PolicedSchema
from resolvers.execution.shared_events import SharedEvents
from resolvers.execution.spans import TracedPolicyExtension
from resolvers.root import build_schema
from schema.errors import PublicError


@strawberry.enum
class Colour(Enum):
    RED = "red"
    GREEN = "green"


@strawberry.type
class Query:
    @strawberry.field
    def fault(self) -> str | None:
        raise RuntimeError("secret detail of a fault")

    @strawberry.field
    def refused(self) -> str | None:
        raise PublicError("Not yours.")

    @strawberry.field
    def colour(self, colour: Colour) -> str:
        return colour.value


@strawberry.type
class Mutation:
    @strawberry.mutation
    def noop(self) -> bool:
        return True


@strawberry.type
class Tick:
    seq: int

    @strawberry.field
    def fault(self) -> str | None:
        raise RuntimeError("secret detail of a fault")


TICK = Tick(seq=1)  # one payload for every subscriber, as the service hands them one update


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[Tick, None]:
        yield TICK


@strawberry.directive(locations=[DirectiveLocation.FIELD])
def shout(value: str) -> str:
    return value.upper()


def _schema(limits: Limits = LIMITS) -> PolicedSchema:
    return PolicedSchema(Query, Mutation, Subscription, limits)


def test_the_app_schema_has_only_the_extensions_the_fast_path_replicates() -> None:
    """Add an extension to the schema and this fails: the prepared operations would skip it.
    Teach them its work first (resolvers/execution/prepared.py), then add it to REPLICATED."""
    schema = build_schema()
    assert [type(extension) for extension in schema.get_extensions()] == [PolicyExtension]
    traced = build_schema(tracer=NoOpTracer())  # its operations' spans: resolvers.execution.spans
    assert [type(extension) for extension in traced.get_extensions()] == [TracedPolicyExtension]
    assert (PolicyExtension, TracedPolicyExtension) == REPLICATED
    assert skipped_extensions(schema) == skipped_extensions(traced) == []
    # Nor does it resolve fields (the fast path runs no middleware) or stream incrementally.
    assert PolicyExtension.resolve is TracedPolicyExtension.resolve is SchemaExtension.resolve
    assert not schema.config.enable_experimental_incremental_execution


@pytest.mark.parametrize(
    "options",
    [
        {"extensions": [ParserCache]},
        {"extensions": [lambda: MaskErrors()]},
        {"directives": [shout]},
    ],
    ids=["an extension", "another masking", "directives"],
)
def test_prepared_operations_refuse_a_schema_with_work_they_would_skip(
    options: dict[str, Any],
) -> None:
    policy = ExecutionPolicy(LIMITS)
    extensions = [lambda: PolicyExtension(policy), *options.pop("extensions", [])]
    schema = strawberry.Schema(Query, extensions=extensions, **options)
    with pytest.raises(ValueError, match="would skip the extensions"):
        PreparedOperations(schema, policy)


@pytest.mark.parametrize("suggestions", [True, False])
async def test_both_paths_answer_faults_refusals_and_bad_variables_alike(
    suggestions: bool,
) -> None:
    schema = _schema(replace(LIMITS, suggestions=suggestions))
    query = "query Q($c: Colour!) { colour(colour: $c) }"
    for document, variables in [("{ fault refused }", None), (query, {"c": "REDD"})]:
        first = await schema.execute(document, variable_values=variables)
        schema.prepared.learn(document)
        prepared = schema.prepared.get(document, None)
        assert prepared is not None
        second = await schema.prepared.run(prepared, None, variables)
        answers = [[error.formatted for error in r.errors or ()] for r in (first, second)]
        assert answers[0] == answers[1]
        assert "secret" not in str(answers)
    assert ("Did you mean" in str(answers)) is suggestions
    assert first.data is None


def test_a_fault_is_masked_and_the_client_s_own_mistakes_are_not() -> None:
    policy = ExecutionPolicy(replace(LIMITS, suggestions=False))
    fault = GraphQLError("boom", original_error=RuntimeError("boom"))
    mistake = GraphQLError("Cannot query field 'x'. Did you mean 'y'?")
    masked, kept = policy.masked([fault, mistake])
    assert masked.message == MASKED
    assert kept.message == "Cannot query field 'x'."


def test_two_schemas_share_no_cache() -> None:
    one, other = _schema(), _schema()
    assert one.policy.cap is not other.policy.cap
    assert one.policy.cached_parse is not other.policy.cached_parse
    assert one.policy.validate is not other.policy.validate
    assert one.prepared is not other.prepared
    assert one.shared_events is not other.shared_events
    assert one.execution_context_class is one.shared_events.execution_class
    assert one.shared_events.execution_class.shared is one.shared_events
    assert other.shared_events.execution_class.shared is other.shared_events
    one.policy.parse("{ fault }", {})
    assert other.policy.cached_parse.cache_info().currsize == 0


def test_shared_events_convert_each_update_once_and_forget_the_oldest() -> None:
    shared = SharedEvents(conversions=2)
    first, second, third = object(), object(), object()
    converted = shared.converted(first, lambda update: [update])
    assert shared.converted(first, lambda update: [update]) is converted
    shared.converted(second, lambda update: [update])
    shared.converted(third, lambda update: [update])
    assert shared.converted(first, lambda update: [update]) is not converted


async def _first(schema: PolicedSchema, query: str) -> Any:
    results = await schema.subscribe(query)
    assert not isinstance(results, PreExecutionError)
    async for result in results:
        await results.aclose()
        return result
    raise AssertionError("no result")


async def test_subscribers_of_one_schema_share_an_event_s_execution_and_no_other() -> None:
    one, other = _schema(), _schema()
    query = "subscription { ticks { seq fault } }"
    first, second, elsewhere = [await _first(s, query) for s in (one, one, other)]
    assert first.data == {"ticks": {"seq": 1, "fault": None}}
    assert second.data is first.data  # executed once for both
    assert elsewhere.data == first.data
    assert elsewhere.data is not first.data
    assert [error.message for error in first.errors] == [MASKED]


def _modules() -> list[ModuleType]:
    names = [
        f"resolvers.execution.{info.name}"
        for info in pkgutil.iter_modules(resolvers.execution.__path__)
    ]
    names += ["resolvers.root", "resolvers.subscriptions", "app.bus.event_bus"]
    return [importlib.import_module(name) for name in names]


MUTABLE = (dict, list, set, bytearray, functools._lru_cache_wrapper)


@pytest.mark.parametrize("module", _modules(), ids=lambda module: module.__name__)
def test_no_module_level_mutable_state(module: ModuleType) -> None:
    """Caches belong to the schema (or the bus) that builds them."""
    mutable = [
        name
        for name, value in vars(module).items()
        if not name.startswith("__")
        and isinstance(value, MUTABLE)
        and getattr(value, "__module__", module.__name__) == module.__name__  # not imported
    ]
    assert mutable == []
