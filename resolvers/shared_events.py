"""Subscription events executed once for all subscribers with the same selection.

graphql-core executes a subscription's selection set for every event and every subscriber. Ten
thousand subscribers of one session, all with the same document and variables, would compute
the same answer ten thousand times: here the first computes it and the others take it. The
event payload must be the very same object for them (the service and the subscription resolver
share it), so nothing of one subscriber's context can leak into another's answer; no field of a
subscription's payload types reads the context.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import ExecutionResult, OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

KEPT = 4096
_results: OrderedDict[tuple[int, str, int], tuple[object, object, ExecutionResult]] = OrderedDict()


class SharedEventExecution(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Any:
        known = _results.get(self._key(payload))
        if known is not None and known[0] is payload and known[1] is self.operation:
            return _Executed(known[2])  # computed for another subscriber: no executor needed
        executor = super().build_per_event_executor(payload)
        # Its own memo: graphql-core's copy shares the subscription's, which would keep a
        # new entry for every event for as long as the subscription lives.
        executor._relevant_sub_fields = {}
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        payload, operation = self.root_value, self.operation
        if payload is None or operation.operation is not OperationType.SUBSCRIPTION:
            return super().execute_operation(serially)
        result = super().execute_operation(serially)
        if isinstance(result, ExecutionResult):  # not awaitable: every field resolved at once
            _results[self._key(payload)] = (payload, operation, result)
            if len(_results) > KEPT:
                _results.popitem(last=False)
        return result

    def _key(self, payload: object) -> tuple[int, str, int]:
        variables = repr(sorted(self.variable_values.coerced.items()))
        return id(self.operation), variables, id(payload)


class _Executed:
    """Stands in for a per-event executor whose result is already known."""

    def __init__(self, result: ExecutionResult) -> None:
        self._result = result

    def execute_operation(self, serially: bool | None = None) -> ExecutionResult:
        return self._result
