"""Scale-out on PostgreSQL and Redis: one server against two, under a bounded load.

Starts the sandbox, a private Redis, one worker and N servers (`trex serve`, no in-process
handlers) on a fresh PostgreSQL database, then, from this separate process, runs 32 concurrent
visitors for a fixed time, each walking buying flows and spreading its requests over the servers.
Reports transitions per second and latency percentiles for 1 and 2 servers, and the time from a
worker's lead event to its push at a subscriber on another server.

    .venv/bin/python -m bench.scaleout [--seconds 15] [--visitors 32]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from bench.transition_latency import CONTACT, QUERY, START, percentiles

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
TRANSITION = QUERY


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def psql(sql: str) -> None:
    subprocess.run(["psql", POSTGRES, "-q", "-c", sql], check=True, capture_output=True)


@contextmanager
def processes(servers: int, folder: Path) -> Iterator[list[str]]:
    """Sandbox, Redis, one worker and `servers` servers; yields the servers' base URLs."""
    database = f"trex_bench_{uuid.uuid4().hex[:8]}"
    psql(f"CREATE DATABASE {database}")
    redis_port, sandbox_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "TREX_SANDBOX_URL": f"http://127.0.0.1:{sandbox_port}",
        "TREX_INPROCESS_WORKERS": "0",
        "LOG_LEVEL": "WARNING",
    }
    started: list[subprocess.Popen[bytes]] = []

    def spawn(*command: str, **extra: str) -> None:
        log = (folder / f"{len(started)}.log").open("wb")
        started.append(subprocess.Popen(command, env={**env, **extra}, stdout=log, stderr=log))

    trex = str(Path(sys.executable).with_name("trex"))
    try:
        spawn(
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        )
        spawn(trex, "sandbox", "--port", str(sandbox_port), "--log-level", "warning")
        time.sleep(1.0)
        spawn(trex, "worker")
        ports = [free_port() for _ in range(servers)]
        for port in ports:
            spawn(trex, "serve", PORT=str(port))
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        wait_ready(urls)
        yield urls
    finally:
        for process in reversed(started):
            process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def wait_ready(urls: list[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    for url in urls:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} never became ready")
            time.sleep(0.2)


async def visitor(urls: list[str], until: float, timings: list[float], index: int) -> None:
    """Walks buying flows, each request to the next server in turn, until `until`."""
    servers = itertools.cycle(urls[index % len(urls) :] + urls[: index % len(urls)])
    async with httpx.AsyncClient(timeout=10) as http:
        while time.monotonic() < until:
            started = (await http.post(f"{next(servers)}/graphql", json={"query": START})).json()
            session = started["data"]["startWorkflow"]["session"]
            headers = {"authorization": f"Bearer {session['token']}"}
            steps: list[tuple[str, dict[str, Any]]] = [
                ("intent_selection", {"intent": "buying"}),
                ("vehicle_knowledge", {"knows_vehicle": True}),
                ("vehicle_search", {"make": "Ford"}),
            ]
            for step, data in steps:
                if time.monotonic() >= until:
                    return
                variables = {"i": {"sessionId": session["id"], "currentStep": step, "data": data}}
                begin = time.perf_counter()
                answer = await http.post(
                    f"{next(servers)}/graphql",
                    headers=headers,
                    json={"query": TRANSITION, "variables": variables},
                )
                timings.append(time.perf_counter() - begin)
                assert "stepId" in answer.json()["data"]["transition"], answer.text


async def load(urls: list[str], visitors: int, seconds: float) -> dict[str, float]:
    timings: list[float] = []
    until = time.monotonic() + seconds
    began = time.perf_counter()
    await asyncio.gather(*(visitor(urls, until, timings, i) for i in range(visitors)))
    elapsed = time.perf_counter() - began
    ordered = sorted(timings)
    return {
        "transitions_per_second": len(timings) / elapsed,
        "p50_ms": ordered[len(ordered) // 2] * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99)] * 1000,
        "count": len(timings),
    }


SUBSCRIBE = """subscription($s: ID!, $a: Int) { sessionUpdates(sessionId: $s, afterSeq: $a) {
  seq type at lead { status } } }"""


async def push_latency(urls: list[str], leads: int) -> list[float]:
    """A lead confirmed on server A; its events (written by the worker) pushed on server B."""
    delays: list[float] = []
    async with httpx.AsyncClient(timeout=10) as http:
        for index in range(leads):
            session, headers, seq = await _at_confirmation(http, urls[0], index)
            ws_url = urls[1 % len(urls)].replace("http", "ws") + "/graphql"
            async with connect(ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
                await ws.send(
                    json.dumps(
                        {
                            "type": "connection_init",
                            "payload": {"authorization": headers["authorization"]},
                        }
                    )
                )
                await ws.recv()
                await ws.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": SUBSCRIBE, "variables": {"s": session, "a": seq}},
                        }
                    )
                )
                variables = {
                    "i": {
                        "sessionId": session,
                        "currentStep": "buying_confirmation",
                        "data": CONTACT,
                    }
                }
                await http.post(
                    f"{urls[0]}/graphql",
                    headers=headers,
                    json={"query": TRANSITION, "variables": variables},
                )
                async with asyncio.timeout(20):
                    while True:
                        event = json.loads(await ws.recv())["payload"]["data"]["sessionUpdates"]
                        if event["type"] == "LEAD_STATUS":
                            at = datetime.fromisoformat(event["at"]).timestamp()
                            delays.append(time.time() - at)
                        if (event.get("lead") or {}).get("status") == "COMPLETED":
                            break
    return delays


async def _at_confirmation(
    http: httpx.AsyncClient, url: str, index: int
) -> tuple[str, dict[str, str], int]:
    started = (await http.post(f"{url}/graphql", json={"query": START})).json()
    session = started["data"]["startWorkflow"]["session"]
    headers = {"authorization": f"Bearer {session['token']}"}
    vehicle = ""
    for step, data in [
        ("intent_selection", {"intent": "buying"}),
        ("vehicle_knowledge", {"knows_vehicle": True}),
        ("vehicle_search", {"make": "Toyota"}),
        ("search_results", {"vehicle_id": None}),
        ("vehicle_selection", {"confirm": True}),
    ]:
        if step == "search_results":
            data = {"vehicle_id": vehicle}
        variables = {"i": {"sessionId": session["id"], "currentStep": step, "data": data}}
        answer = (
            await http.post(
                f"{url}/graphql",
                headers=headers,
                json={"query": TRANSITION, "variables": variables},
            )
        ).json()
        vehicles = answer["data"]["transition"].get("vehicles")
        if vehicles:
            vehicle = vehicles[index % len(vehicles)]["id"]
    seq_query = {
        "query": "query($s: ID!) { session(sessionId: $s) { ... on Step { session { seq } } } }",
        "variables": {"s": session["id"]},
    }
    current = (await http.post(f"{url}/graphql", headers=headers, json=seq_query)).json()
    return session["id"], headers, current["data"]["session"]["session"]["seq"]


async def main(seconds: float, visitors: int, folder: Path) -> None:
    for servers in (1, 2):
        with processes(servers, folder) as urls:
            result = await load(urls, visitors, seconds)
            delays = await push_latency(urls, leads=10)
        print(
            f"{servers} server(s), {visitors} visitors, {seconds:.0f} s: "
            f"{result['transitions_per_second']:.0f} transitions/s, "
            f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms "
            f"(n={result['count']:.0f}); worker event → push on the other server: "
            f"{percentiles(delays)}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--visitors", type=int, default=32)
    arguments = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as logs:
        asyncio.run(main(arguments.seconds, arguments.visitors, Path(logs)))
