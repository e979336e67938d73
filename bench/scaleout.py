"""(f) Scale-out on PostgreSQL and Redis: one server against two, under a bounded load.

Starts the sandbox, a private Redis, one worker and N servers (`trex serve`, no in-process
handlers) on a fresh PostgreSQL database, then, from this separate process, runs the transition
loop of `bench.protocols` (REST and GraphQL) with 32 concurrent visitors for a fixed time, each
visitor spreading its requests over the servers. Reports transitions per second and latency
percentiles for 1 and 2 servers, and the time from a worker's lead event to its push at a
subscriber on another server.

    .venv/bin/python -m bench.scaleout [--seconds 10] [--visitors 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import scaleout
from bench.loadclient import Connection
from bench.protocols import PROTOCOLS, Failed, both, fmt, line, warm_up
from bench.stats import summary_ms
from bench.wsclient import Arrival, Subscriber, subscribe
from tests.support.answers import CONTACT

SUBSCRIBE = """subscription($s: ID!, $a: Int) { sessionUpdates(sessionId: $s, afterSeq: $a) {
  seq type at lead { status } } }"""
START = "mutation { startWorkflow(input: {}) { ... on Step { session { id token seq } } } }"
MOVE = """mutation($i: TransitionInput!) { transition(input: $i) { __typename
  ... on Step { stepId session { seq } } ... on VehicleResultsStep { vehicles { id } } } }"""


async def _move(http: Connection, token: str, session: str, step: str, data: object) -> Any:
    variables = {"i": {"sessionId": session, "currentStep": step, "data": data}}
    answer = await http.post("/graphql", {"query": MOVE, "variables": variables}, token)
    result = answer.json()["data"]["transition"]
    if "stepId" not in result:
        raise Failed(answer)
    return result


async def worker_push(urls: list[str], leads: int) -> dict[str, Any]:
    """A buying lead confirmed on server A; the worker's LEAD_STATUS events, pushed through
    Redis, reach a subscriber on server B: their `at` (server clock) to arrival."""
    delays: list[float] = []
    errors: list[str] = []
    async with Connection(urls[0]) as http:
        for index in range(leads):
            try:
                async with asyncio.timeout(30):
                    delays += await _one_lead(http, urls[-1], index)
            except (Failed, AssertionError, OSError, TimeoutError, KeyError) as error:
                errors.append(f"{type(error).__name__}: {error}"[:300])
    return {**summary_ms(delays), "leads": leads, "errors": len(errors), "error_examples": errors}


async def _one_lead(http: Connection, watch: str, index: int) -> list[float]:
    started = (await http.post("/graphql", {"query": START})).json()
    info = started["data"]["startWorkflow"]["session"]
    session, token = info["id"], info["token"]
    await _move(http, token, session, "intent_selection", {"intent": "buying"})
    await _move(http, token, session, "vehicle_knowledge", {"knows_vehicle": True})
    found = await _move(http, token, session, "vehicle_search", {"make": "Toyota"})
    vehicles = found["vehicles"]
    vehicle = vehicles[index % len(vehicles)]["id"]
    await _move(http, token, session, "search_results", {"vehicle_id": vehicle})
    at_confirmation = await _move(http, token, session, "vehicle_selection", {"confirm": True})
    seq = int(at_confirmation["session"]["seq"])
    arrivals: asyncio.Queue[Arrival] = asyncio.Queue()

    def on_next(_: Subscriber, arrival: Arrival) -> None:
        arrivals.put_nowait(arrival)

    subscriber = await subscribe(watch, token, SUBSCRIBE, {"s": session, "a": seq - 1}, on_next)
    delays: list[float] = []
    try:
        while (await arrivals.get()).payload["data"]["sessionUpdates"]["seq"] < seq:
            pass  # the replayed latest event: the subscription is live
        done = await _move(http, token, session, "buying_confirmation", CONTACT)
        if done["stepId"] != "buying_complete":
            raise AssertionError(f"confirmation answered {done}")
        while True:
            arrival = await arrivals.get()
            event = arrival.payload["data"]["sessionUpdates"]
            if event["type"] == "LEAD_STATUS":
                at = datetime.fromisoformat(event["at"])
                at = at if at.tzinfo else at.replace(tzinfo=UTC)
                delays.append(arrival.wall - at.timestamp())
            if (event.get("lead") or {}).get("status") == "COMPLETED":
                return delays
    finally:
        subscriber.close()


async def compare(folder: Path, seconds: float, visitors: int, servers: int) -> dict[str, Any]:
    """The transition loop on `servers` servers, REST and GraphQL in alternating stretches."""
    results: dict[str, Any] = {}
    async with scaleout(servers, folder) as stack:
        await warm_up(stack.urls)
        results.update(await both(stack.urls, visitors, seconds, stack.server_pids, slices=2))
        for protocol in PROTOCOLS:
            print(f"{servers} server(s) {line(results[protocol])}", flush=True)
        if servers > 1:
            results["worker_push"] = await worker_push(stack.urls, leads=10)
    return results


async def main(seconds: float, visitors: int, folder: Path) -> dict[str, Any]:
    began = time.perf_counter()
    results = {
        str(servers): await compare(folder, seconds, visitors, servers) for servers in (1, 2)
    }
    for protocol in PROTOCOLS:
        one, two = results["1"][protocol], results["2"][protocol]
        print(f"{protocol}: two servers / one = {two['per_second'] / one['per_second']:.2f}")
    push = results["2"]["worker_push"]
    print(
        f"worker event → push on the other server: p50 {fmt(push['p50_ms'])} ms, "
        f"p99 {fmt(push['p99_ms'])} ms; {time.perf_counter() - began:.0f} s in all"
    )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--visitors", type=int, default=32)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as logs:
        outcome = asyncio.run(main(arguments.seconds, arguments.visitors, Path(logs)))
    out = Path("var/bench/scaleout.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(outcome, indent=2) + "\n")
