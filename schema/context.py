"""The typed context every resolver receives: the service, and who is calling."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info as StrawberryInfo

from workflows.outcomes import Caller
from workflows.ports import FunnelPort, LeadPort, WorkflowPort
from workflows.resume import ResumePort


@dataclass
class Context:
    service: WorkflowPort
    leads: LeadPort
    funnel: FunnelPort
    headers: Mapping[str, str]
    # The client's address (behind a trusted proxy, the one it forwarded).
    address: str | None = None
    # Set by the websocket protocol from `connection_init`'s payload.
    connection_params: dict[str, Any] | None = None
    # Continue later (sendResumeLink, resumeSession); None where the server has none.
    resume: ResumePort | None = None

    @property
    def token(self) -> str | None:
        """The bearer token: from `connection_init` on websockets, else the HTTP header."""
        if self.connection_params is not None:  # its key matched without regard to case
            found = (v for k, v in self.connection_params.items() if k.lower() == "authorization")
            return bearer(next(found, None))
        return bearer(self.headers.get("authorization"))

    @property
    def caller(self) -> Caller:
        return Caller(
            self.headers.get("x-publishable-key"), self.headers.get("origin"), self.address
        )


def bearer(authorization: object) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, or None."""
    if not isinstance(authorization, str):
        return None
    scheme, _, token = authorization.strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


Info = StrawberryInfo[Context, None]
