"""One small client per external service, each a `ServiceClient` with typed answers.

Every service lives at `{base_url}/sandbox/{service}` (the bundled sandbox's layout; a real
provider would sit behind an adapter with the same routes). Each client has its own breaker.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from opentelemetry.trace import TracerProvider

from app.integrations.breaker import CircuitBreaker, Clock
from app.integrations.http import IDEMPOTENCY_KEY, ClientPolicy, ServiceClient
from app.integrations.models import (
    Assignment,
    Channel,
    CreditApplicant,
    CreditDecision,
    CrmReceipt,
    DecodedVin,
    SentMessage,
    Valuation,
)
from app.telemetry.metrics import Metrics
from sandbox.services import (
    COMMUNICATIONS,
    CREDIT_BUREAU,
    DEALER_NETWORK,
    LEAD_CRM,
    SERVICES,
    VEHICLE_DATA,
)

ServiceClientT = TypeVar("ServiceClientT", bound=ServiceClient)


class VehicleDataClient(ServiceClient):
    async def decode_vin(self, vin: str) -> DecodedVin:
        """What the VIN says; `Rejected` (`invalid_vin`) when it is not a VIN."""
        path = f"/vins/{_segment(vin)}"
        body = await self.request("GET", path, idempotent=True, route="/vins/{vin}")
        return DecodedVin.from_json(body, self.name)

    async def valuation(
        self, make: str, model: str, year: int, mileage: int, condition: str
    ) -> Valuation:
        """A trade-in range in US dollars; `Rejected` (`unknown_model`) for a model not known."""
        query: dict[str, str | int] = {"make": make, "model": model, "year": year}
        query |= {"mileage": mileage, "condition": condition}
        body = await self.request("GET", "/valuations", params=query, idempotent=True)
        return Valuation.from_json(body, self.name)


class CreditBureauClient(ServiceClient):
    async def check(self, applicant: CreditApplicant, *, idempotency_key: str) -> CreditDecision:
        """A hard check, or a soft one when the applicant has no SSN. The key makes retries
        safe: the bureau answers a repeated key with its first decision."""
        body = await self.request(
            "POST",
            "/checks",
            json=applicant.to_json(),
            idempotent=True,
            headers={IDEMPOTENCY_KEY: idempotency_key},
        )
        return CreditDecision.from_json(body, self.name)


class LeadCrmClient(ServiceClient):
    async def register(
        self, lead_id: str, reference: str, kind: str, payload: dict[str, Any]
    ) -> CrmReceipt:
        """Create or update the lead; the same lead id always gets the same CRM id."""
        body = await self.request(
            "PUT",
            f"/leads/{_segment(lead_id)}",
            json={"reference": reference, "kind": kind, "payload": payload},
            idempotent=True,
        )
        return CrmReceipt.from_json(body, self.name)


class DealerNetworkClient(ServiceClient):
    async def assign(self, dealer_id: str, lead_id: str, summary: dict[str, Any]) -> Assignment:
        """Hand the lead to a dealer; one assignment per lead and dealer, however often asked."""
        body = await self.request(
            "PUT",
            f"/assignments/{_segment(lead_id)}",
            json={"dealer_id": dealer_id, "summary": summary},
            idempotent=True,
        )
        return Assignment.from_json(body, self.name)


class CommunicationsClient(ServiceClient):
    async def send(
        self, channel: Channel, to: str, template: str, data: dict[str, Any], idempotency_key: str
    ) -> SentMessage:
        """Send one e-mail or SMS; the same key sends it once however often it is asked."""
        body = await self.request(
            "POST",
            "/messages",
            json={"channel": channel, "to": to, "template": template, "data": data},
            idempotent=True,
            headers={IDEMPOTENCY_KEY: idempotency_key},
        )
        return SentMessage.from_json(body, self.name)


@dataclass(frozen=True, slots=True)
class Clients:
    vehicle_data: VehicleDataClient
    credit_bureau: CreditBureauClient
    lead_crm: LeadCrmClient
    dealer_network: DealerNetworkClient
    communications: CommunicationsClient

    def all(self) -> tuple[ServiceClient, ...]:
        return tuple(getattr(self, field.name) for field in fields(self))

    async def aclose(self) -> None:
        for client in self.all():
            await client.aclose()


Endpoint = tuple[str, httpx.AsyncBaseTransport]  # a service's root URL, and how to reach it


def build_clients(
    base_url: str,
    transport: httpx.AsyncBaseTransport,
    policy: ClientPolicy | None = None,
    clock: Clock = time.monotonic,
    *,
    failure_threshold: int = 5,
    reset_seconds: float = 30.0,
) -> Clients:
    """The five clients of the sandbox at `base_url`, over one transport."""
    root = base_url.rstrip("/")
    endpoints = {name: (f"{root}/sandbox/{name}", transport) for name in SERVICES}
    return clients_for(
        endpoints, policy, clock, failure_threshold=failure_threshold, reset_seconds=reset_seconds
    )


def clients_for(
    endpoints: Mapping[str, Endpoint],
    policy: ClientPolicy | None = None,
    clock: Clock = time.monotonic,
    *,
    failure_threshold: int = 5,
    reset_seconds: float = 30.0,
    tracer_provider: TracerProvider | None = None,
    metrics: Metrics | None = None,
) -> Clients:
    """The five clients, each at its own endpoint, each with its own breaker on `clock`
    (and its calls traced when a `tracer_provider` is given), measured into `metrics` (None: a
    registry of their own, which nobody reads)."""
    policy = policy or ClientPolicy()
    metrics = metrics or Metrics()

    def make(cls: type[ServiceClientT], name: str) -> ServiceClientT:
        breaker = CircuitBreaker(
            name, failure_threshold=failure_threshold, reset_seconds=reset_seconds, clock=clock
        )
        root, transport = endpoints[name]
        return cls(
            name,
            root.rstrip("/"),
            transport,
            policy=policy,
            breaker=breaker,
            tracer_provider=tracer_provider,
            metrics=metrics,
        )

    return Clients(
        vehicle_data=make(VehicleDataClient, VEHICLE_DATA),
        credit_bureau=make(CreditBureauClient, CREDIT_BUREAU),
        lead_crm=make(LeadCrmClient, LEAD_CRM),
        dealer_network=make(DealerNetworkClient, DEALER_NETWORK),
        communications=make(CommunicationsClient, COMMUNICATIONS),
    )


def _segment(value: str) -> str:
    """`value` as one path segment, whatever characters it holds."""
    return quote(value, safe="")
