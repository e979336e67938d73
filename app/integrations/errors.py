"""What can go wrong when T-Rex calls an external service, in T-Rex's own words.

The HTTP adapter (`app.integrations.http`) is the only place that sees httpx's exceptions and raw
status codes; everything above it sees these. Each one tells the caller what to do next:

| error                | meaning                                         | the caller         |
|----------------------|-------------------------------------------------|--------------------|
| `Unavailable`        | transient: timeout, connection error, 5xx, 429  | retries durably    |
| `CircuitOpen`        | `Unavailable` without a try: the breaker is open | retries later     |
| `Rejected`           | business refusal: 409/422 `{code, reason}`      | compensates        |
| `UnexpectedResponse` | outside the contract: other 4xx, not JSON       | reports a defect   |

Only `Unavailable` (and so `CircuitOpen`) is worth retrying; `Rejected` never is.
"""

from __future__ import annotations


class IntegrationError(Exception):
    """Any failure of a call to the external service `service`."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service


class Unavailable(IntegrationError):
    """The service did not answer usefully after `attempts` tries; trying again later may work."""

    def __init__(self, service: str, detail: str, attempts: int = 1) -> None:
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        super().__init__(service, f"unavailable after {tries}: {detail}")
        self.detail = detail
        self.attempts = attempts


class CircuitOpen(Unavailable):
    """The breaker for `service` is open: no request was sent."""

    def __init__(self, service: str, retry_after_seconds: float) -> None:
        IntegrationError.__init__(
            self,
            service,
            "circuit open after repeated failures; no request sent "
            f"(a trial call is allowed in {retry_after_seconds:.1f}s)",
        )
        self.detail = "circuit open"
        self.attempts = 0
        self.retry_after_seconds = retry_after_seconds


class Rejected(IntegrationError):
    """The service understood the request and refused it for a business reason `code`."""

    def __init__(self, service: str, code: str, reason: str) -> None:
        super().__init__(service, f"refused the request ({code}): {reason}")
        self.code = code
        self.reason = reason


class UnexpectedResponse(IntegrationError):
    """The service answered outside its contract (a status or body this client cannot read)."""

    def __init__(self, service: str, detail: str, status: int | None = None) -> None:
        where = f"HTTP {status}: " if status is not None else ""
        super().__init__(service, f"unexpected response: {where}{detail}")
        self.status = status
