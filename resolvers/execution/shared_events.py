"""Subscription events converted and executed once for all subscribers with the same selection.

graphql-core executes a subscription's selection set for every event and every subscriber. Ten
thousand subscribers of one session, all with the same document and variables, would compute
the same answer ten thousand times: here the first computes it and the others take it. The
event payload must be the very same object for them (the service hands every subscriber the
same update, and `SharedEvents.converted` gives them the same GraphQL object for it), so
nothing of one subscriber's context can leak into another's answer; no field of a
subscription's payload types reads the context.

The memory is the schema's (`SharedEvents`, built with it): graphql-core builds each executor
itself from the schema's executor class, so each schema gets a class of its own bound to it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, cast

from graphql import ExecutionResult, OperationDefinitionNode, OperationType

from resolvers.execution.internals import StrawberryGraphQLCoreExecutionContext, forget_field_memo

RESULTS_KEPT = 4096
CONVERSIONS_KEPT = 1024
Update = TypeVar("Update")
Converted = TypeVar("Converted")
Key = tuple[int, str, int]


class SharedEvents:
    """One schema's memory of subscription events: their conversions and their results."""

    def __init__(self, results: int = RESULTS_KEPT, conversions: int = CONVERSIONS_KEPT) -> None:
        self._results_kept = results
        self._conversions_kept = conversions
        self._results: OrderedDict[Key, tuple[object, object, ExecutionResult]] = OrderedDict()
        self._conversions: OrderedDict[int, tuple[object, object]] = OrderedDict()

        class Bound(SharedEventExecution):
            shared = self

        self.execution_class: type[SharedEventExecution] = Bound

    def converted(self, update: Update, convert: Callable[[Update], Converted]) -> Converted:
        """One GraphQL object per service update: subscribers of a session share the update,
        so they share its conversion too (and so its execution)."""
        known = self._conversions.get(id(update))
        if known is not None and known[0] is update:
            return cast(Converted, known[1])
        converted = convert(update)
        self._conversions[id(update)] = (update, converted)
        if len(self._conversions) > self._conversions_kept:
            self._conversions.popitem(last=False)
        return converted

    def result(
        self, key: Key, payload: object, operation: OperationDefinitionNode
    ) -> ExecutionResult | None:
        known = self._results.get(key)
        if known is not None and known[0] is payload and known[1] is operation:
            return known[2]
        return None

    def keep(
        self, key: Key, payload: object, operation: OperationDefinitionNode, result: ExecutionResult
    ) -> None:
        self._results[key] = (payload, operation, result)
        if len(self._results) > self._results_kept:
            self._results.popitem(last=False)


class SharedEventExecution(StrawberryGraphQLCoreExecutionContext):
    shared: ClassVar[SharedEvents]

    def build_per_event_executor(self, payload: Any) -> Any:
        known = self.shared.result(self._key(payload), payload, self.operation)
        if known is not None:
            return _Executed(known)  # computed for another subscriber: no executor needed
        executor = super().build_per_event_executor(payload)
        forget_field_memo(executor)
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        payload, operation = self.root_value, self.operation
        if payload is None or operation.operation is not OperationType.SUBSCRIPTION:
            return super().execute_operation(serially)
        result = super().execute_operation(serially)
        if isinstance(result, ExecutionResult):  # not awaitable: every field resolved at once
            self.shared.keep(self._key(payload), payload, operation, result)
        return result

    def _key(self, payload: object) -> Key:
        variables = repr(sorted(self.variable_values.coerced.items()))
        return id(self.operation), variables, id(payload)


class _Executed:
    """Stands in for a per-event executor whose result is already known."""

    def __init__(self, result: ExecutionResult) -> None:
        self._result = result

    def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        return self._result
