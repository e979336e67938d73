"""(d) Fan-out: 1k, 5k and 10k websocket subscribers of one session on one server process.

For each level a fresh `trex serve` (SQLite default, in-process events) starts; this process
raises its open-file limit to the hard limit (the server, its child, inherits it), starts one
session, and opens N graphql-transport-ws connections (`bench.wsclient`: a raw asyncio protocol,
light enough that ten thousand of them cost this process little), `connection_init` carrying
the session token, each subscribing `sessionUpdates(sessionId, afterSeq) { seq type }` to that
same session. They open in batches of bounded concurrency; afterSeq is one below the session's
latest event, so each subscriber first receives that event replayed — the sign that its
subscription is live.

Measured:
- server memory per connection: the server's VmRSS (/proc) once it is idle after the opening,
  minus its VmRSS idle before (with a few warm-up connections already open), over N;
- time for one event to reach all: one transition on the session is sent (t0); each subscriber
  stamps the moment the bytes of its `next` message arrive; reported are the last arrival − t0
  and the p50/p99 of the arrivals;
- the CPU this process used meanwhile, to show whether the load generator kept up.

    .venv/bin/python -m bench.fanout [--levels 1000,5000,10000] [--batch 200]

Writes var/bench/fanout.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import cpu_seconds, quiet, rss_kib, sqlite_server
from bench.loadclient import Connection
from bench.stats import percentile
from bench.wsclient import Arrival, Subscriber, subscribe

UPDATES = """subscription($s: ID!, $a: Int) {
  sessionUpdates(sessionId: $s, afterSeq: $a) { seq type } }"""
START = "mutation { startWorkflow(input: {}) { ... on Step { session { id token seq } } } }"
MOVE = """mutation($i: TransitionInput!) { transition(input: $i) { __typename
  ... on Step { stepId session { seq } } } }"""
WARM_UP = 20


def raise_file_limit() -> int:
    """This process's open-file limit raised to the hard limit; returns the new soft limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class Crowd:
    """Subscribers of one session: which are live, and when the awaited event reached each."""

    def __init__(self, live_seq: int) -> None:
        self.live_seq = live_seq
        self.awaited_seq = live_seq + 1
        self.members: list[Subscriber] = []
        self.live: dict[int, asyncio.Future[None]] = {}
        self.arrivals: list[float] = []
        self.reached_all = asyncio.Event()
        self.expected = 0
        self.odd: list[Any] = []

    def on_next(self, subscriber: Subscriber, arrival: Arrival) -> None:
        update = (arrival.payload.get("data") or {}).get("sessionUpdates") or {}
        seq = update.get("seq")
        if seq == self.awaited_seq:
            self.arrivals.append(arrival.perf)
            if len(self.arrivals) >= self.expected:
                self.reached_all.set()
        elif seq == self.live_seq:
            waiter = self.live.get(id(subscriber))
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        elif len(self.odd) < 3:
            self.odd.append(arrival.payload)

    async def join(self, url: str, token: str, session: str, seconds: float) -> None:
        """One more subscriber, returned once its subscription is live."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        variables = {"s": session, "a": self.live_seq - 1}
        subscriber = await subscribe(url, token, UPDATES, variables, self.on_next, seconds)
        self.members.append(subscriber)
        self.live[id(subscriber)] = waiter
        try:
            async with asyncio.timeout(seconds):
                await waiter
        finally:
            del self.live[id(subscriber)]

    def close(self) -> None:
        for member in self.members:
            member.close()
        self.members.clear()


async def open_many(
    crowd: Crowd, url: str, token: str, session: str, count: int, batch: int, seconds: float
) -> list[str]:
    """`count` live subscribers, at most `batch` opening at a time; returns the failures."""
    gate = asyncio.Semaphore(batch)
    errors: list[str] = []

    async def one() -> None:
        async with gate:
            try:
                await crowd.join(url, token, session, 30)
            except (OSError, TimeoutError) as error:
                errors.append(f"{type(error).__name__}: {error}"[:200])

    try:
        async with asyncio.timeout(seconds):
            await asyncio.gather(*(one() for _ in range(count)))
    except TimeoutError:
        errors.append(f"opening {count} connections took over {seconds:.0f} s")
    return errors


async def level(folder: Path, subscribers: int, batch: int) -> dict[str, Any]:
    async with sqlite_server(folder, f"fanout-{subscribers}") as stack:
        url, pid = stack.urls[0], stack.server_pids[0]
        async with Connection(url) as http:
            started = (await http.post("/graphql", {"query": START})).json()
            info = started["data"]["startWorkflow"]["session"]
            session, token, seq = info["id"], info["token"], int(info["seq"])
            crowd = Crowd(seq)
            try:
                warm_errors = await open_many(crowd, url, token, session, WARM_UP, WARM_UP, 30)
                await quiet([pid])
                rss_before = rss_kib(pid)
                began = time.perf_counter()
                errors = warm_errors + await open_many(
                    crowd, url, token, session, subscribers, batch, 60 + subscribers / 40
                )
                opening = time.perf_counter() - began
                settle = await quiet([pid])
                rss_after = rss_kib(pid)
                crowd.expected = len(crowd.members)
                await http.get("/healthz")  # the connection is open before the clock starts
                own, server = time.process_time(), cpu_seconds(pid)
                sent = time.perf_counter()
                variables = {
                    "i": {
                        "sessionId": session,
                        "currentStep": "intent_selection",
                        "data": {"intent": "buying"},
                    }
                }
                answer = await http.post("/graphql", {"query": MOVE, "variables": variables}, token)
                answered = time.perf_counter()
                moved = answer.json()["data"]["transition"]
                if moved.get("stepId") != "vehicle_knowledge":
                    errors.append(f"the transition answered {moved}")
                try:
                    async with asyncio.timeout(60):
                        await crowd.reached_all.wait()
                except TimeoutError:
                    errors.append(f"{len(crowd.arrivals)} of {crowd.expected} reached in 60 s")
                window = time.perf_counter() - sent
                client_cpu = (time.process_time() - own) / window
                server_cpu = (cpu_seconds(pid) - server) / window
                delays = [arrival - sent for arrival in crowd.arrivals]
                opened = len(crowd.members) - WARM_UP
                dropped = sum(1 for member in crowd.members if member.closed.done())
            finally:
                crowd.close()
                await asyncio.sleep(0.5)
    last = max(delays) if delays else None
    return {
        "subscribers": subscribers,
        "opened": opened,
        "reached": len(delays),
        "reach_all_ms": None if last is None or len(delays) < crowd.expected else last * 1000,
        "last_arrival_ms": None if last is None else last * 1000,
        "p50_ms": _ms(percentile(delays, 50)),
        "p99_ms": _ms(percentile(delays, 99)),
        "transition_ms": (answered - sent) * 1000,
        "open_seconds": opening,
        "opened_per_second": opened / opening if opening else None,
        "settle_seconds": settle,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "kib_per_connection": (rss_after - rss_before) / opened if opened else None,
        "dropped_by_server": dropped,
        "client_cpu": client_cpu,
        "server_cpu": server_cpu,
        "errors": len(errors),
        "error_examples": errors[:3],
        "unexpected_messages": crowd.odd,
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def line(result: dict[str, Any]) -> str:
    def f(value: float | None, digits: int = 0) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    errors = f", {result['errors']} errors" if result["errors"] else ""
    return (
        f"{result['subscribers']:6} subscribers: opened {result['opened']} in "
        f"{result['open_seconds']:.1f} s; one event reached {result['reached']} — all in "
        f"{f(result['reach_all_ms'])} ms (p50 {f(result['p50_ms'])}, p99 {f(result['p99_ms'])}"
        f" ms); {f(result['kib_per_connection'], 1)} KiB/connection (server RSS "
        f"{result['rss_before_kib'] // 1024} → {result['rss_after_kib'] // 1024} MiB; load "
        f"generator CPU {result['client_cpu']:.0%}{errors})"
    )


async def main(levels: list[int], batch: int) -> dict[str, Any]:
    raise_file_limit()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for subscribers in levels:
            results[str(subscribers)] = await level(Path(scratch), subscribers, batch)
            print(line(results[str(subscribers)]), flush=True)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1000,5000,10000")
    parser.add_argument("--batch", type=int, default=200)
    arguments = parser.parse_args()
    outcome = asyncio.run(main([int(n) for n in arguments.levels.split(",")], arguments.batch))
    out = Path("var/bench/fanout.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(outcome, indent=2) + "\n")
