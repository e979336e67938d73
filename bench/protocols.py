"""REST (a) against GraphQL (b) transitions, and whole buying flows per second (c).

One `trex serve` process on the embedded default (a fresh SQLite file); the load comes from this
separate process on loopback through `bench.loadclient` (raw asyncio streams, keep-alive: little
CPU, so the two cores go to the server). Each level runs for a bounded time, REST and GraphQL in
alternating stretches (so that other load on the machine weighs on both alike): every visitor
holds one connection per server, starts a session and walks intent → vehicle knowledge → search,
again and again; only the transitions are timed. With several servers, each request of a visitor
goes to the next server in turn (no sticky sessions).

(c) walks whole buying flows over GraphQL, start to `buying_complete` (six transitions, the last
holding the vehicle and submitting the lead), and counts completed flows per second.

    .venv/bin/python -m bench.protocols [--seconds 5] [--levels 1,8,32,64]

Prints a line per level and a table; writes var/bench/protocols.json.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import cpu_seconds, machine_jiffies, sqlite_server
from bench.loadclient import Connection, Response
from bench.stats import summary_ms
from tests.support.answers import CONTACT, MAKES

STEPS: list[tuple[str, dict[str, Any]]] = [
    ("intent_selection", {"intent": "buying"}),
    ("vehicle_knowledge", {"knows_vehicle": True}),
    ("vehicle_search", {"make": "Ford"}),
]
START = "mutation { startWorkflow(input: {}) { ... on Step { session { id token seq } } } }"
MOVE = """mutation($i: TransitionInput!) { transition(input: $i) { __typename
  ... on Step { stepId } ... on VehicleResultsStep { vehicles { id } } } }"""
Session = tuple[str, str]


class Failed(Exception):
    """The server answered something else than the next step."""

    def __init__(self, answer: Response) -> None:
        super().__init__(f"{answer.status}: {answer.body[:300]!r}")
        self.answer = answer


async def rest_start(http: Connection) -> Session:
    answer = await http.post("/api/workflow/start", {})
    if answer.status != 200:
        raise Failed(answer)
    body = answer.json()
    return body["sessionId"], body["sessionToken"]


async def rest_move(http: Connection, session: Session, step: str, data: object) -> Any:
    body = {"sessionId": session[0], "currentStep": step, "data": data}
    answer = await http.post("/api/workflow/transition", body, token=session[1])
    if answer.status != 200:
        raise Failed(answer)
    return answer.json()


async def gql_start(http: Connection) -> Session:
    answer = await http.post("/graphql", {"query": START})
    try:
        session = answer.json()["data"]["startWorkflow"]["session"]
    except (KeyError, TypeError, ValueError):
        raise Failed(answer) from None
    return session["id"], session["token"]


async def gql_move(http: Connection, session: Session, step: str, data: object) -> Any:
    variables = {"i": {"sessionId": session[0], "currentStep": step, "data": data}}
    answer = await http.post("/graphql", {"query": MOVE, "variables": variables}, session[1])
    try:
        result = answer.json()["data"]["transition"]
    except (KeyError, TypeError, ValueError):
        raise Failed(answer) from None
    if answer.status != 200 or "stepId" not in result:
        raise Failed(answer)
    return result


Start = Callable[[Connection], Awaitable[Session]]
Move = Callable[[Connection, Session, str, object], Awaitable[Any]]
PROTOCOLS: dict[str, tuple[Start, Move]] = {
    "rest": (rest_start, rest_move),
    "graphql": (gql_start, gql_move),
}


@dataclass
class Tally:
    """Timings and failures of one level; failures are counted, a few kept as examples."""

    timings: list[float] = field(default_factory=list)
    errors: int = 0
    examples: list[str] = field(default_factory=list)

    def failed(self, error: BaseException) -> None:
        self.errors += 1
        if len(self.examples) < 3:
            self.examples.append(f"{type(error).__name__}: {error}")


class Meter:
    """CPU used by this process and by the servers' processes over a stretch of wall time."""

    def __init__(self, pids: Sequence[int]) -> None:
        self.pids = list(pids)
        self.wall = time.perf_counter()
        self.own = time.process_time()
        self.servers = sum(cpu_seconds(pid) for pid in self.pids)
        self.machine = machine_jiffies()

    def read(self) -> dict[str, float]:
        """Wall seconds; CPU of this process and of the servers, in cores; the whole machine's
        busy share (database, Redis and anything else running included)."""
        elapsed = time.perf_counter() - self.wall
        busy, total = machine_jiffies()
        return {
            "elapsed_s": elapsed,
            "client_cpu": (time.process_time() - self.own) / elapsed,
            "server_cpu": (sum(cpu_seconds(pid) for pid in self.pids) - self.servers) / elapsed,
            "machine_busy": (busy - self.machine[0]) / max(1, total - self.machine[1]),
        }


def rotated(urls: list[str], index: int) -> list[str]:
    shift = index % len(urls)
    return urls[shift:] + urls[:shift]


Used = dict[str, float]


async def load_stretch(
    urls: list[str], protocol: str, visitors: int, seconds: float, pids: Sequence[int]
) -> tuple[Tally, Used]:
    start, move = PROTOCOLS[protocol]
    tally = Tally()
    until = time.monotonic() + seconds

    async def visitor(index: int) -> None:
        connections = [Connection(url, timeout=30) for url in rotated(urls, index)]
        servers = itertools.cycle(connections)
        try:
            while time.monotonic() < until:
                try:
                    session = await start(next(servers))
                    for step, data in STEPS:
                        if time.monotonic() >= until:
                            break
                        began = time.perf_counter()
                        await move(next(servers), session, step, data)
                        tally.timings.append(time.perf_counter() - began)
                except (Failed, OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                    tally.failed(error)
                    await asyncio.sleep(0.05)
        finally:
            for connection in connections:
                await connection.close()

    meter = Meter(pids)
    async with asyncio.timeout(seconds + 45):
        await asyncio.gather(*(visitor(i) for i in range(visitors)))
    return tally, meter.read()


async def alternating(
    servers: dict[str, tuple[list[str], Sequence[int]]],
    visitors: int,
    seconds: float,
    slices: int,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Servers that differ in one setting, compared: each protocol's load goes to each server
    in turn, `slices` stretches each, and each goes first every other time (what comes first
    gets a warmer machine), so load that comes and goes weighs on all alike. Returns each
    server's merged numbers per protocol."""
    for urls, _ in servers.values():
        await warm_up(urls)
    runs: dict[str, dict[str, list[tuple[Tally, Used]]]] = {
        name: {protocol: [] for protocol in PROTOCOLS} for name in servers
    }
    order = list(servers)
    for turn in range(slices):
        for protocol in PROTOCOLS:
            for name in order if turn % 2 == 0 else order[::-1]:
                urls, pids = servers[name]
                stretch = await load_stretch(urls, protocol, visitors, seconds / slices, pids)
                runs[name][protocol].append(stretch)
    return {
        name: {
            protocol: merge_stretches(servers[name][0], protocol, visitors, stretches)
            for protocol, stretches in by_protocol.items()
        }
        for name, by_protocol in runs.items()
    }


def merge_stretches(
    urls: list[str], protocol: str, visitors: int, stretches: list[tuple[Tally, Used]]
) -> dict[str, Any]:
    """One level's numbers from one or more stretches of load (CPU shares weighted by time)."""
    timings = [t for tally, _ in stretches for t in tally.timings]
    elapsed = sum(used["elapsed_s"] for _, used in stretches)

    def share(key: str) -> float:
        return sum(used[key] * used["elapsed_s"] for _, used in stretches) / elapsed

    return {
        "visitors": visitors,
        "protocol": protocol,
        "servers": len(urls),
        "per_second": len(timings) / elapsed,
        **summary_ms(timings),
        "errors": sum(tally.errors for tally, _ in stretches),
        "error_examples": [e for tally, _ in stretches for e in tally.examples][:3],
        "elapsed_s": elapsed,
        "stretches": len(stretches),
        "client_cpu": share("client_cpu"),
        "server_cpu": share("server_cpu"),
        "machine_busy": share("machine_busy"),
    }


async def level(
    urls: list[str],
    protocol: str,
    visitors: int,
    seconds: float,
    pids: Sequence[int] = (),
) -> dict[str, Any]:
    """`visitors` concurrent visitors for `seconds` (then each finishes its request under way,
    within 30 s): transitions per second, p50/p99, errors, CPU of client and servers."""
    return merge_stretches(
        urls, protocol, visitors, [await load_stretch(urls, protocol, visitors, seconds, pids)]
    )


async def both(
    urls: list[str], visitors: int, seconds: float, pids: Sequence[int] = (), slices: int = 1
) -> dict[str, dict[str, Any]]:
    """REST and GraphQL, `seconds` each, in `slices` alternating stretches: other load on the
    machine that comes and goes then weighs on both alike, and b/a stays fair."""
    stretches: dict[str, list[tuple[Tally, Used]]] = {protocol: [] for protocol in PROTOCOLS}
    for _ in range(slices):
        for protocol in PROTOCOLS:
            stretch = await load_stretch(urls, protocol, visitors, seconds / slices, pids)
            stretches[protocol].append(stretch)
    return {p: merge_stretches(urls, p, visitors, parts) for p, parts in stretches.items()}


async def flows(
    urls: list[str], visitors: int, seconds: float, pids: Sequence[int] = ()
) -> dict[str, Any]:
    """(c) Whole buying flows per second over GraphQL, start to `buying_complete`; each flow
    holds one vehicle, so visitors move on to another make when one is sold out."""
    tally = Tally()
    until = time.monotonic() + seconds
    done = 0
    lost_races = 0
    exhausted: set[str] = set()

    async def one_flow(http: Connection, index: int, make: str) -> bool | None:
        """True: completed; False: another visitor took the car; None: the make is sold out."""
        session = await gql_start(http)
        await gql_move(http, session, "intent_selection", {"intent": "buying"})
        await gql_move(http, session, "vehicle_knowledge", {"knows_vehicle": True})
        found = await gql_move(http, session, "vehicle_search", {"make": make, "zip": "10001"})
        vehicles = found.get("vehicles") or []
        if not vehicles:
            return None
        vehicle = vehicles[(index * 7) % len(vehicles)]["id"]
        await gql_move(http, session, "search_results", {"vehicle_id": vehicle})
        await gql_move(http, session, "vehicle_selection", {"confirm": True})
        try:
            last = await gql_move(http, session, "buying_confirmation", CONTACT)
        except Failed as failed:
            # Another visitor held the car first: TransitionRejected, back to the results.
            if b'"TransitionRejected"' in failed.answer.body:
                return False
            raise
        return bool(last["stepId"] == "buying_complete")

    async def visitor(index: int) -> None:
        nonlocal done, lost_races
        makes = itertools.cycle(rotated(list(MAKES), index))
        async with Connection(urls[index % len(urls)], timeout=30) as http:
            while time.monotonic() < until and len(exhausted) < len(MAKES):
                make = next(makes)
                if make in exhausted:
                    continue
                began = time.perf_counter()
                try:
                    completed = await one_flow(http, index + done, make)
                except (Failed, OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                    tally.failed(error)
                    await asyncio.sleep(0.05)
                    continue
                if completed is None:
                    exhausted.add(make)
                elif completed:
                    done += 1
                    tally.timings.append(time.perf_counter() - began)
                else:
                    lost_races += 1

    meter = Meter(pids)
    async with asyncio.timeout(seconds + 45):
        await asyncio.gather(*(visitor(i) for i in range(visitors)))
    used = meter.read()
    flow = summary_ms(tally.timings)
    return {
        "visitors": visitors,
        "flows_per_second": done / used["elapsed_s"],
        "transitions_per_second": done * 6 / used["elapsed_s"],
        "flows": done,
        "flow_p50_ms": flow["p50_ms"],
        "flow_p99_ms": flow["p99_ms"],
        "lost_races": lost_races,
        "sold_out_makes": sorted(exhausted),
        "errors": tally.errors,
        "error_examples": tally.examples,
        **used,
    }


async def warm_up(urls: list[str], seconds: float = 1.0) -> None:
    """Caches, connection pools and code paths warm before the first measured level."""
    for protocol in PROTOCOLS:
        await level(urls, protocol, 4, seconds / 2)


def line(result: dict[str, Any]) -> str:
    """One progress line for a transition level."""
    errors = f", {result['errors']} errors" if result["errors"] else ""
    return (
        f"{result['protocol']:7} {result['visitors']:3} visitors: "
        f"{result['per_second']:6.0f} tr/s, p50 {fmt(result['p50_ms'])} ms, "
        f"p99 {fmt(result['p99_ms'])} ms (CPU: servers {result['server_cpu']:.0%}, load "
        f"generator {result['client_cpu']:.0%}, machine {result['machine_busy']:.0%} busy{errors})"
    )


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


async def main(seconds: float, levels: list[int], folder: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"levels": {}}
    async with sqlite_server(folder) as stack:
        await warm_up(stack.urls)
        for index, visitors in enumerate(levels, 1):
            pair = await both(stack.urls, visitors, seconds, stack.server_pids, slices=4)
            results["levels"][str(visitors)] = pair
            for result in pair.values():
                print(f"[{index}/{len(levels)}] {line(result)}", flush=True)
        results["flows"] = await flows(stack.urls, 32, seconds, stack.server_pids)
    return results


def table(levels: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = [
        "| visitors | REST tr/s | REST p50 / p99 ms | GraphQL tr/s | GraphQL p50 / p99 ms | b/a |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for visitors, pair in levels.items():
        a, b = pair.get("rest"), pair.get("graphql")
        cells = [visitors]
        for result in (a, b):
            if result is None:
                cells += ["—", "—"]
            else:
                cells += [
                    f"{result['per_second']:.0f}",
                    f"{fmt(result['p50_ms'])} / {fmt(result['p99_ms'])}",
                ]
        ratio = "—"
        if a and b and a["per_second"]:
            ratio = f"{b['per_second'] / a['per_second']:.2f}"
        lines.append("| " + " | ".join([*cells, ratio]) + " |")
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
    print(table(outcome["levels"]))
    flow = outcome["flows"]
    print(f"\nWhole buying flows (32 visitors, GraphQL): {flow['flows_per_second']:.1f} flows/s")
