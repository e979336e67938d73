"""The workflow service as the API layer sees it (the service layer implements it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from workflows.erasure import ErasureOutcome
from workflows.outcomes import (
    ANONYMOUS,
    Caller,
    DefinitionInfo,
    JsonObject,
    LeadStatusEvent,
    LeadView,
    Outcome,
    SessionUpdate,
)


class WorkflowPort(Protocol):
    async def start(
        self, workflow_type: str | None, context: JsonObject | None, caller: Caller
    ) -> Outcome: ...

    async def transition(
        self,
        session_id: str,
        token: str | None,
        current_step: str,
        data: object,
        idempotency_key: str | None,
        caller: Caller = ANONYMOUS,
    ) -> Outcome: ...

    async def back(
        self, session_id: str, token: str | None, current_step: str, caller: Caller = ANONYMOUS
    ) -> Outcome: ...

    async def current(
        self, session_id: str, token: str | None, caller: Caller = ANONYMOUS
    ) -> Outcome: ...

    def definition(self, name: str) -> DefinitionInfo | None: ...

    def updates(
        self,
        session_id: str,
        token: str | None,
        after_seq: int | None,
        caller: Caller = ANONYMOUS,
    ) -> AsyncIterator[SessionUpdate]: ...


class LeadPort(Protocol):
    """Host sites' view of their own leads, by secret key."""

    async def lead(self, lead_id: str, secret_key: str | None) -> LeadView | None: ...

    def updates(
        self, lead_id: str | None, secret_key: str | None
    ) -> AsyncIterator[LeadStatusEvent]: ...

    async def erase_customer_data(
        self,
        secret_key: str | None,
        email: str | None,
        phone: str | None,
        lead_id: str | None,
    ) -> ErasureOutcome: ...
