"""Latency of one transition: in-process (service call) and over HTTP (a uvicorn subprocess).

Each round walks a whole buying flow (start, then six transitions: intent, knowledge, search,
selection, confirm, contact) and times every transition. Bounded: ROUNDS flows per mode.

    .venv/bin/python -m bench.transition_latency [--rounds 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from app.bootstrap import Container, bootstrap
from app.services.workflow import WorkflowService
from app.settings import Settings
from tests.stack import UNREFUSING_LIMITS, unrefusing
from tests.support.answers import CONTACT, MAKES
from tests.support.loopback import free_port
from tests.support.waiting import eventually
from workflows.commands import StartWorkflow, Transition
from workflows.outcomes import Caller, Moved

Submit = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"n={len(ordered)} p50={p50 * 1000:.2f} ms p99={p99 * 1000:.2f} ms"


async def walk(submit: Submit, index: int, timings: list[float]) -> None:
    steps: list[tuple[str, dict[str, Any]]] = [
        ("intent_selection", {"intent": "buying"}),
        ("vehicle_knowledge", {"knows_vehicle": True}),
        ("vehicle_search", {"make": MAKES[index % len(MAKES)], "zip": "10001"}),
    ]
    for step, data in steps:
        started = time.perf_counter()
        view = await submit(step, data)
        timings.append(time.perf_counter() - started)
    vehicles = view["vehicles"]
    for step, data in [
        ("search_results", {"vehicle_id": vehicles[index % len(vehicles)]}),
        ("vehicle_selection", {"confirm": True}),
        ("buying_confirmation", CONTACT),
    ]:
        started = time.perf_counter()
        await submit(step, data)
        timings.append(time.perf_counter() - started)


def service_submitter(service: WorkflowService, session_id: str, token: str | None) -> Submit:
    async def submit(step: str, data: dict[str, Any]) -> dict[str, Any]:
        outcome = await service.transition(Transition(session_id, token, step, data, None))
        assert isinstance(outcome, Moved), outcome
        found = getattr(outcome.view.data, "vehicles", ())
        return {"vehicles": [card.id for card in found]}

    return submit


def http_submitter(http: httpx.AsyncClient, session_id: str, token: str) -> Submit:
    headers = {"authorization": f"Bearer {token}"}

    async def submit(step: str, data: dict[str, Any]) -> dict[str, Any]:
        variables = {"i": {"sessionId": session_id, "currentStep": step, "data": data}}
        answer = await http.post(
            "/graphql", json={"query": QUERY, "variables": variables}, headers=headers
        )
        result = answer.json()["data"]["transition"]
        assert "stepId" in result, result
        return {"vehicles": [v["id"] for v in result.get("vehicles", [])]}

    return submit


async def in_process(rounds: int, folder: Path) -> list[float]:
    settings = unrefusing(Settings(database_url=f"sqlite+aiosqlite:///{folder / 'inproc.db'}"))
    container = await bootstrap(settings)
    timings: list[float] = []
    for index in range(rounds):
        started = await container.service.start(StartWorkflow(None, None, Caller()))
        assert isinstance(started, Moved)
        session = started.view.session
        await walk(service_submitter(container.service, session.id, session.token), index, timings)
    await close(container)
    return timings


async def close(container: Container, seconds: float = 15) -> None:
    """`container.aclose()`, bounded: on Python 3.11 it can hang when the relay is woken just
    as it is cancelled (asyncio.wait_for then swallows the cancellation), and a benchmark must
    not hang with it."""
    try:
        async with asyncio.timeout(seconds):
            await container.aclose()
    except TimeoutError:
        print(f"warning: Container.aclose() did not return within {seconds:.0f} s", flush=True)


QUERY = """mutation($i: TransitionInput!) { transition(input: $i) { __typename
  ... on Step { stepId } ... on VehicleResultsStep { vehicles { id } } } }"""
START = "mutation { startWorkflow(input: {}) { ... on Step { session { id token } } } }"


async def over_http(rounds: int, folder: Path) -> list[float]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'http.db'}",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **UNREFUSING_LIMITS,  # every visitor comes from one address
    }
    server = await asyncio.create_subprocess_exec(sys.executable, "-m", "app.cli", "serve", env=env)
    timings: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            await eventually(lambda: _healthy(http), "trex serve healthy", 30, 0.1)
            for index in range(rounds):
                session = (await http.post("/graphql", json={"query": START})).json()
                info = session["data"]["startWorkflow"]["session"]
                await walk(http_submitter(http, info["id"], info["token"]), index, timings)
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)
    return timings


async def _healthy(http: httpx.AsyncClient) -> bool:
    try:
        return (await http.get("/healthz")).status_code == 200
    except httpx.TransportError:
        return False


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        print("in-process:", percentiles(await in_process(rounds, Path(folder))))
        print("over HTTP: ", percentiles(await over_http(rounds, Path(folder))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=100)
    asyncio.run(main(parser.parse_args().rounds))
