"""What a caller asks of the workflow service, as values: both the GraphQL and the REST adapter
build these, so a request means one thing whichever way it came in."""

from __future__ import annotations

from dataclasses import dataclass

from workflows.outcomes import ANONYMOUS, Caller, JsonObject


@dataclass(frozen=True, slots=True)
class StartWorkflow:
    """Start a session; `context` is the host page's own (at most 4 KiB of JSON);
    `invitation`: the token of a seller's invitation (workflow type `buyer_financing`)."""

    workflow_type: str | None
    context: JsonObject | None = None
    caller: Caller = ANONYMOUS
    invitation: str | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """Submit `data` for `current_step`; the same `idempotency_key` twice moves once."""

    session_id: str
    token: str | None
    current_step: str
    data: object
    idempotency_key: str | None = None
    caller: Caller = ANONYMOUS


@dataclass(frozen=True, slots=True)
class Back:
    """Return from `current_step` to the previous step, or to `to_step` earlier on the path
    (the "Change" links of a summary), with its answers."""

    session_id: str
    token: str | None
    current_step: str
    caller: Caller = ANONYMOUS
    to_step: str | None = None
