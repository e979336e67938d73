"""One sandbox service's running state: its faults, its latency, its counters and its RNGs.

Every API call of a service goes through `ServiceState.guard`, in this order: count the call,
wait `latency_ms` (a fault), answer 503 when `down`, wait the service's usual latency (drawn
from its range, times the latency scale), answer 503 at `error_rate`, else run the handler.
The control routes (`/faults`, `/stats`) and the inspection routes (listing what a service
stored) are not guarded: a test can always see and change a broken service.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.common import BadRequest, read_object
from sandbox.faults import Fault, FaultError

Handler = Callable[[Request], Awaitable[Response]]


class ServiceState:
    def __init__(
        self,
        name: str,
        latency_ms: tuple[int, int],
        *,
        fault: Fault,
        seed: int,
        latency_scale: float,
    ) -> None:
        self.name = name
        self.latency_ms = latency_ms
        self.latency_scale = latency_scale
        self.fault = fault
        self.requests = 0  # API calls that reached the service, faulted or not
        self.failed = 0  # of which the faults answered 503
        self._errors = random.Random(f"{seed}/{name}/errors")
        self._latency = random.Random(f"{seed}/{name}/latency")
        self._ids = random.Random(f"{seed}/{name}/ids")

    def new_id(self, prefix: str) -> str:
        """A fresh identifier, the same sequence for the same seed."""
        return f"{prefix}-{self._ids.getrandbits(48):012x}"

    def guard(self, handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            self.requests += 1
            fault = self.fault
            if fault.latency_ms:
                await asyncio.sleep(fault.latency_ms / 1000)
            if fault.down:
                return self._unavailable("is down")
            await asyncio.sleep(self._usual_latency())
            if fault.error_rate and self._errors.random() < fault.error_rate:
                return self._unavailable("failed (injected error)")
            try:
                return await handler(request)
            except ClientDisconnect:  # the caller went away (a killed worker): nobody to answer
                return Response(status_code=499)

        return endpoint

    def control_routes(self) -> list[Route]:
        return [
            Route("/faults", self._show_faults, methods=["GET"]),
            Route("/faults", self._set_faults, methods=["POST"]),
            Route("/faults", self._reset_faults, methods=["DELETE"]),
            Route("/stats", self._stats, methods=["GET"]),
        ]

    def _usual_latency(self) -> float:
        low, high = self.latency_ms
        return self._latency.uniform(low, high) / 1000 * self.latency_scale

    def _unavailable(self, what: str) -> JSONResponse:
        self.failed += 1
        body = {"code": "unavailable", "reason": f"{self.name} {what}"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    async def _show_faults(self, _: Request) -> JSONResponse:
        return JSONResponse(self.fault.as_json())

    async def _set_faults(self, request: Request) -> JSONResponse:
        """Changes the fields given, keeps the others."""
        changes = await read_object(request)
        try:
            self.fault = self.fault.updated(changes)
        except FaultError as error:
            raise BadRequest(error.field, error.reason) from None
        return JSONResponse(self.fault.as_json())

    async def _reset_faults(self, _: Request) -> JSONResponse:
        self.fault = Fault()
        return JSONResponse(self.fault.as_json())

    async def _stats(self, _: Request) -> JSONResponse:
        return JSONResponse({"requests": self.requests, "failed": self.failed})
