"""A real server: uvicorn on a free loopback port, spoken to over HTTP and websockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from app.bootstrap import Container
from app.main import create_app
from app.settings import Settings
from app.web.websockets import uvicorn_options
from sandbox.app import create_sandbox_app
from sandbox.faults import Faults
from tests import stack
from tests.e2e.client import Api
from tests.support.loopback import free_port
from tests.support.waiting import eventually


def quick_settings(folder: Path, **changes: Any) -> Settings:
    """A fresh database of the stack under test, with the sandbox services 50× faster."""
    settings = Settings(
        database_url=stack.database_url(folder),
        redis_url=stack.redis_url(),
        sandbox_latency_scale=0.02,
        relay_poll_seconds=0.2,
        credit_deadline_seconds=2.0,
        service_timeout_seconds=1.0,
        breaker_reset_seconds=0.5,
    )
    return replace(stack.unrefusing(settings), **changes)


@dataclass
class RunningServer:
    server: uvicorn.Server
    task: asyncio.Task[None]
    base_url: str
    ws_url: str
    app: Starlette

    @property
    def container(self) -> Container:
        container: Container = self.app.state.container
        return container

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.wait_for(self.task, 10)


async def serve(app: Starlette, settings: Settings | None = None) -> RunningServer:
    """`app` on uvicorn on a free loopback port, once it listens, with the uvicorn options of
    `settings` as `trex serve` sets them."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        **uvicorn_options(settings or Settings()),
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    def started() -> bool:
        if task.done():
            task.result()  # it failed to start: its error, at once
        return server.started

    await eventually(started, f"uvicorn listening on {port}", 20, 0.02)
    base_url, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/graphql"
    return RunningServer(server, task, base_url, ws_url, app)


async def start_server(settings: Settings) -> RunningServer:
    return await serve(create_app(settings), settings)


async def start_sandbox() -> RunningServer:
    """The sandbox of the external services as its own server (as `trex sandbox` runs it), 50×
    faster than its realistic latency."""
    return await serve(create_sandbox_app(Faults(), latency_scale=0.02))


def production_settings(folder: Path, sandbox: RunningServer, **changes: Any) -> Settings:
    """The production profile, its external services at the sandbox server `sandbox`."""
    return quick_settings(
        folder, env="production", graphiql=False, sandbox_url=sandbox.base_url, **changes
    )


@pytest.fixture(scope="session")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    server = await start_server(quick_settings(tmp_path_factory.mktemp("e2e")))
    yield server
    await server.stop()


@pytest.fixture
async def api(running: RunningServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as http:
        yield Api(http, running.ws_url)
