"""The clients against a broken sandbox: injected errors, latency beyond the timeout, a service
down, and the circuit that opens (no request reaches the sandbox) and closes again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from app.integrations.breaker import BreakerState
from app.integrations.clients import Clients, build_clients
from app.integrations.errors import CircuitOpen, Unavailable
from app.integrations.http import ClientPolicy, ServiceClient
from app.integrations.models import CreditApplicant
from app.integrations.testing import ManualClock
from sandbox import create_sandbox_app
from sandbox.services import SERVICES

POLICY = ClientPolicy(timeout_seconds=0.1, backoff_base_seconds=0.001, backoff_max_seconds=0.005)
THRESHOLD = 5
RESET_SECONDS = 30.0

Call = Callable[[Clients], Awaitable[object]]
CALLS: dict[str, Call] = {
    "vehicle-data": lambda c: c.vehicle_data.decode_vin("1HGCM82633A004352"),
    "credit-bureau": lambda c: c.credit_bureau.check(
        CreditApplicant("Ana Silva", "94103", date(1985, 3, 1), 50_000, "1 Main", "123456780"),
        idempotency_key="session-1/credit",
    ),
    "lead-crm": lambda c: c.lead_crm.register("lead-1", "TRX-ABC234", "buying", {}),
    "dealer-network": lambda c: c.dealer_network.assign("dlr-001", "lead-1", {}),
    "communications": lambda c: c.communications.send(
        "email", "ana@example.com", "lead_received", {}, "lead-1/email"
    ),
}


@pytest.fixture
def sandbox() -> Starlette:
    return create_sandbox_app(seed=3, latency_scale=0.01)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def clients(sandbox: Starlette, clock: ManualClock) -> AsyncIterator[Clients]:
    transport = httpx.ASGITransport(app=sandbox)
    clients = build_clients(
        "http://sandbox",
        transport,
        POLICY,
        clock,
        failure_threshold=THRESHOLD,
        reset_seconds=RESET_SECONDS,
    )
    yield clients
    await clients.aclose()


class Control:
    """The sandbox's control routes, as a test drives them."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def break_(self, service: str, **fault: Any) -> None:
        answer = await self.http.post(f"/{service}/faults", json=fault)
        assert answer.status_code == 200, answer.text

    async def heal(self, service: str) -> None:
        assert (await self.http.delete(f"/{service}/faults")).status_code == 200

    async def requests(self, service: str) -> int:
        stats = (await self.http.get(f"/{service}/stats")).json()
        return int(stats["requests"])


@pytest.fixture
async def control(sandbox: Starlette) -> AsyncIterator[Control]:
    transport = httpx.ASGITransport(app=sandbox)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox/sandbox") as http:
        yield Control(http)


def state(client: ServiceClient) -> BreakerState:
    """The breaker's state now (a call, so mypy does not carry a narrowing across awaits)."""
    return client.breaker.state


def test_every_service_has_a_call_here() -> None:
    assert set(CALLS) == set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
async def test_an_erroring_service_is_unavailable_after_the_bounded_retries(
    clients: Clients, control: Control, service: str
) -> None:
    await control.break_(service, error_rate=1.0)
    with pytest.raises(Unavailable) as raised:
        await CALLS[service](clients)
    assert not isinstance(raised.value, CircuitOpen)
    assert raised.value.attempts == 1 + POLICY.retries
    assert await control.requests(service) == 1 + POLICY.retries
    assert "HTTP 503" in str(raised.value)


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_slower_than_the_timeout_is_unavailable(
    clients: Clients, control: Control, service: str
) -> None:
    await control.break_(service, latency_ms=1_000)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(Unavailable, match=r"no answer within 0.1s"):
        await CALLS[service](clients)
    assert loop.time() - started < 0.8  # three attempts of 100 ms plus backoff, never 1 s
    assert await control.requests(service) == 1 + POLICY.retries


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_that_is_down_is_unavailable(
    clients: Clients, control: Control, service: str
) -> None:
    await control.break_(service, down=True)
    with pytest.raises(Unavailable, match=f"{service} is down"):
        await CALLS[service](clients)


async def test_a_healed_service_answers_again(clients: Clients, control: Control) -> None:
    await control.break_("lead-crm", down=True)
    with pytest.raises(Unavailable):
        await CALLS["lead-crm"](clients)
    await control.heal("lead-crm")
    receipt = await CALLS["lead-crm"](clients)
    assert receipt is not None


async def test_the_circuit_opens_after_n_failures_and_then_spares_the_service(
    clients: Clients, control: Control
) -> None:
    await control.break_("credit-bureau", error_rate=1.0)
    with pytest.raises(Unavailable):
        await CALLS["credit-bureau"](clients)  # failures 1-3
    with pytest.raises(CircuitOpen):
        await CALLS["credit-bureau"](clients)  # failures 4-5 open it; no 6th attempt
    assert await control.requests("credit-bureau") == THRESHOLD
    assert state(clients.credit_bureau) is BreakerState.OPEN

    for _ in range(3):
        with pytest.raises(CircuitOpen):
            await CALLS["credit-bureau"](clients)
    assert await control.requests("credit-bureau") == THRESHOLD  # nothing reached it
    assert state(clients.lead_crm) is BreakerState.CLOSED  # one breaker per service


async def test_the_circuit_closes_after_the_reset_time_once_the_service_is_healed(
    clients: Clients, control: Control, clock: ManualClock
) -> None:
    await control.break_("communications", down=True)
    for _ in range(2):
        with pytest.raises(Unavailable):
            await CALLS["communications"](clients)
    assert state(clients.communications) is BreakerState.OPEN
    await control.heal("communications")

    clock.advance(RESET_SECONDS - 1)
    with pytest.raises(CircuitOpen):
        await CALLS["communications"](clients)
    clock.advance(1)
    await CALLS["communications"](clients)  # the trial call
    assert state(clients.communications) is BreakerState.CLOSED
    assert await control.requests("communications") == THRESHOLD + 1


async def test_a_failed_trial_opens_the_circuit_again_after_one_request(
    clients: Clients, control: Control, clock: ManualClock
) -> None:
    await control.break_("dealer-network", error_rate=1.0)
    for _ in range(2):
        with pytest.raises(Unavailable):
            await CALLS["dealer-network"](clients)
    clock.advance(RESET_SECONDS)
    with pytest.raises(CircuitOpen):
        await CALLS["dealer-network"](clients)  # trial fails; the retry meets an open circuit
    assert await control.requests("dealer-network") == THRESHOLD + 1
    assert state(clients.dealer_network) is BreakerState.OPEN


async def test_partial_errors_are_absorbed_by_the_retries(
    clients: Clients, control: Control
) -> None:
    await control.break_("vehicle-data", error_rate=0.3)
    decoded = [await CALLS["vehicle-data"](clients) for _ in range(10)]
    assert len(decoded) == 10
    assert await control.requests("vehicle-data") > 10  # some calls needed a retry
