"""The sandbox: the five external services T-Rex calls, in one Starlette app.

Each service lives under `/sandbox/{service}`, with its own API routes (delayed and broken by
its faults), inspection routes, and control routes `/faults` (GET, POST, DELETE) and `/stats`.
All state (stored records, faults, counters, seeded RNGs) lives in the app instance:
`app.state.services` maps each service name to its `ServiceState`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from sandbox import communications, credit_bureau, dealer_network, lead_crm, vehicle_data
from sandbox.common import BadRequest, bad_request
from sandbox.faults import Faults, latency_scale_from_env
from sandbox.runtime import ServiceState
from sandbox.services import (
    COMMUNICATIONS,
    CREDIT_BUREAU,
    DEALER_NETWORK,
    LEAD_CRM,
    VEHICLE_DATA,
)


class Service(Protocol):
    def routes(self) -> list[Route]: ...


# name, the service built on its state, its usual latency range in ms
SERVICE_TABLE: tuple[tuple[str, Callable[[ServiceState], Service], tuple[int, int]], ...] = (
    (VEHICLE_DATA, vehicle_data.VehicleData, vehicle_data.LATENCY_MS),
    (CREDIT_BUREAU, credit_bureau.CreditBureau, credit_bureau.LATENCY_MS),
    (LEAD_CRM, lead_crm.LeadCrm, lead_crm.LATENCY_MS),
    (DEALER_NETWORK, dealer_network.DealerNetwork, dealer_network.LATENCY_MS),
    (COMMUNICATIONS, communications.Communications, communications.LATENCY_MS),
)


def create_sandbox_app(
    faults: Faults | None = None, seed: int = 0, *, latency_scale: float | None = None
) -> Starlette:
    """A fresh sandbox. `latency_scale` None reads `TREX_SANDBOX_LATENCY_SCALE` (default 1.0)."""
    faults = faults or Faults()
    scale = latency_scale_from_env() if latency_scale is None else latency_scale
    if scale < 0:
        raise ValueError("latency_scale must be >= 0")
    states: dict[str, ServiceState] = {}
    mounts: list[BaseRoute] = []
    for name, service, latency_ms in SERVICE_TABLE:
        state = ServiceState(
            name, latency_ms, fault=faults.of(name), seed=seed, latency_scale=scale
        )
        states[name] = state
        routes = [*service(state).routes(), *state.control_routes()]
        mounts.append(Mount(f"/{name}", routes=routes))

    async def index(_: Request) -> JSONResponse:
        return JSONResponse(
            {
                "services": {
                    name: {"latency_ms": list(state.latency_ms), "faults": state.fault.as_json()}
                    for name, state in states.items()
                },
                "latency_scale": scale,
            }
        )

    app = Starlette(
        routes=[Mount("/sandbox", routes=[Route("/", index, methods=["GET"]), *mounts])],
        exception_handlers={BadRequest: bad_request},
    )
    app.state.services = states
    return app
