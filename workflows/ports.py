"""The workflow service as the API layer sees it (the service layer implements it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

from workflows.commands import Back, StartWorkflow, Transition
from workflows.erasure import ErasureOutcome
from workflows.funnel import FunnelReport
from workflows.outcomes import (
    ANONYMOUS,
    Caller,
    DefinitionInfo,
    LeadStatusEvent,
    LeadView,
    Outcome,
    SessionUpdate,
)
from workflows.webhooks import WebhookPort


class WorkflowPort(Protocol):
    async def start(self, command: StartWorkflow) -> Outcome: ...
    async def transition(self, command: Transition) -> Outcome: ...
    async def back(self, command: Back) -> Outcome: ...

    async def current(
        self, session_id: str, token: str | None, caller: Caller = ANONYMOUS
    ) -> Outcome: ...

    def definition(self, name: str, version: int | None = None) -> DefinitionInfo | None: ...

    def updates(
        self,
        session_id: str,
        token: str | None,
        after_seq: int | None,
        caller: Caller = ANONYMOUS,
    ) -> AsyncIterator[SessionUpdate]: ...


class LeadPort(Protocol):
    """Host sites' view of their own leads, by secret key (and their webhooks, by the same)."""

    @property
    def webhooks(self) -> WebhookPort: ...

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


class FunnelPort(Protocol):
    """A host site's funnel of its own sessions, by secret key."""

    async def for_site(
        self, secret_key: str | None, since: datetime, until: datetime, workflow: str | None
    ) -> FunnelReport | None: ...
