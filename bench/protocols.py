"""REST (a) against GraphQL (b) transitions, and whole buying flows per second (c).

One `trex serve` process on the embedded default (a fresh SQLite file); the load comes from this
separate process on loopback. Each level runs for a bounded time: visitors start a session and
walk intent → vehicle knowledge → search, again and again; only the transitions are timed.

    .venv/bin/python -m bench.protocols [--seconds 5] [--levels 1,8,32,64]

Prints a progress line per level and a table; writes var/bench/protocols.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bench.scaleout import free_port, wait_ready
from bench.transition_latency import CONTACT

STEPS: list[tuple[str, dict[str, Any]]] = [
    ("intent_selection", {"intent": "buying"}),
    ("vehicle_knowledge", {"knows_vehicle": True}),
    ("vehicle_search", {"make": "Ford"}),
]
START = "mutation { startWorkflow(input: {}) { ... on Step { session { id token } } } }"
MOVE = """mutation($i: TransitionInput!) { transition(input: $i) { __typename
  ... on Step { stepId } ... on VehicleResultsStep { vehicles { id } } } }"""
Session = tuple[str, str]


async def rest_start(http: httpx.AsyncClient) -> Session:
    body = (await http.post("/api/workflow/start", json={})).json()
    return body["sessionId"], body["sessionToken"]


async def rest_move(http: httpx.AsyncClient, session: Session, step: str, data: object) -> Any:
    body = {"sessionId": session[0], "currentStep": step, "data": data}
    answer = await http.post(
        "/api/workflow/transition", json=body, headers={"authorization": f"Bearer {session[1]}"}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def gql_start(http: httpx.AsyncClient) -> Session:
    info = (await http.post("/graphql", json={"query": START})).json()
    session = info["data"]["startWorkflow"]["session"]
    return session["id"], session["token"]


async def gql_move(http: httpx.AsyncClient, session: Session, step: str, data: object) -> Any:
    variables = {"i": {"sessionId": session[0], "currentStep": step, "data": data}}
    answer = await http.post(
        "/graphql",
        json={"query": MOVE, "variables": variables},
        headers={"authorization": f"Bearer {session[1]}"},
    )
    result = answer.json()["data"]["transition"]
    assert "stepId" in result, result
    return result


PROTOCOLS: dict[str, tuple[Callable[..., Awaitable[Session]], Callable[..., Awaitable[Any]]]] = {
    "rest": (rest_start, rest_move),
    "graphql": (gql_start, gql_move),
}


async def level(base: str, protocol: str, visitors: int, seconds: float) -> dict[str, float]:
    start, move = PROTOCOLS[protocol]
    timings: list[float] = []
    until = time.monotonic() + seconds

    async def visitor() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while time.monotonic() < until:
                session = await start(http)
                for step, data in STEPS:
                    began = time.perf_counter()
                    await move(http, session, step, data)
                    timings.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(visitor() for _ in range(visitors)))
    elapsed = time.perf_counter() - began
    ordered = sorted(timings)
    return {
        "per_second": len(timings) / elapsed,
        "p50_ms": ordered[len(ordered) // 2] * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99)] * 1000,
        "count": len(timings),
    }


async def flows(base: str, visitors: int, seconds: float) -> float:
    """(c) whole buying flows per second, start to the completion step, over GraphQL."""
    done = 0
    until = time.monotonic() + seconds

    async def visitor(index: int) -> None:
        nonlocal done
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while time.monotonic() < until:
                session = await gql_start(http)
                found = None
                for step, data in STEPS:
                    found = await gql_move(http, session, step, data)
                assert found is not None
                vehicles = found["vehicles"]
                if not vehicles:  # this make is sold out
                    return
                vehicle = vehicles[(index + done) % len(vehicles)]["id"]
                await gql_move(http, session, "search_results", {"vehicle_id": vehicle})
                await gql_move(http, session, "vehicle_selection", {"confirm": True})
                try:
                    await gql_move(http, session, "buying_confirmation", CONTACT)
                except AssertionError:  # another visitor took the car first: a new flow
                    continue
                done += 1

    began = time.perf_counter()
    await asyncio.gather(*(visitor(i) for i in range(visitors)))
    return done / (time.perf_counter() - began)


async def main(seconds: float, levels: list[int], folder: Path) -> dict[str, Any]:
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bench.db'}",
    }
    with (folder / "server.log").open("wb") as log:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app.cli", "serve", env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {"levels": {}}
    try:
        wait_ready([base])
        runs = [(n, p) for n in levels for p in PROTOCOLS]
        for index, (visitors, protocol) in enumerate(runs, 1):
            result = await level(base, protocol, visitors, seconds)
            results["levels"].setdefault(str(visitors), {})[protocol] = result
            print(
                f"[{index}/{len(runs)}] {protocol:7} {visitors:3} visitors: "
                f"{result['per_second']:7.0f} transitions/s, p99 {result['p99_ms']:.1f} ms",
                flush=True,
            )
        results["flows_per_second"] = await flows(base, 32, seconds)
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 15)
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        "| visitors | REST tr/s | REST p50 / p99 ms | GraphQL tr/s | GraphQL p50 / p99 ms | b/a |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for visitors, pair in results["levels"].items():
        a, b = pair["rest"], pair["graphql"]
        lines.append(
            f"| {visitors} | {a['per_second']:.0f} | {a['p50_ms']:.1f} / "
            f"{a['p99_ms']:.1f} | {b['per_second']:.0f} | {b['p50_ms']:.1f} / "
            f"{b['p99_ms']:.1f} | {b['per_second'] / a['per_second']:.2f} |"
        )
    lines.append(
        f"\nWhole buying flows (32 visitors, GraphQL): {results['flows_per_second']:.1f} flows/s"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--levels", default="1,8,32,64")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        outcome = asyncio.run(
            main(arguments.seconds, [int(n) for n in arguments.levels.split(",")], Path(scratch))
        )
    out = Path("var/bench/protocols.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(outcome, indent=2) + "\n")
    print(table(outcome))
