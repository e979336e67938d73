"""(e) Time from a credit result to its push at the subscriber.

The credit check is an external service: the transition on `credit_check` answers at once with
`credit_check_pending`, and after its commit the server that took it asks the bureau
(`app/services/credit_jobs.py`); the bureau's answer resumes the session
(`WorkflowService.resume`), which writes the STEP_CHANGED event to `selling_confirmation` —
its `at` is the server's clock when the resume began — and pushes it after the commit: in the
same process (SQLite default, in-process events), or through Redis to the visitor's websocket on
another server.

So that the moment the result arrives is observable from outside, the servers reach the bureau
(the sandbox, run as its own process with its default 300–900 ms decision time) through a small
pass-through proxy in this process (`TREX_SANDBOX_URL`), which notes when it hands each
bureau answer to the server. The subscriber is this process's own websocket client
(`bench.wsclient`), which stamps each message when its bytes arrive. Both stamps come from the
same clock of the same process, so

    push latency = subscriber received the step − the bureau's answer was handed to the server

Also reported: the event's `at` (server clock, same machine) to arrival, and the bureau's answer
to `at` — the server's work between the result and the moment it stamps the event.

In one process the visitor submits and subscribes on the same server; across servers it submits
on server A (which therefore receives the result) and subscribes on server B. Bounded: SAMPLES
flows (100: with 50, the p99 is the slowest sample), CONCURRENCY at a time, each
given at most 20 s.

    .venv/bin/python -m bench.push [--samples 50] [--concurrency 5] [--only one|two]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import sandbox, scaleout, sqlite_server
from bench.loadclient import Connection, parse_head
from bench.protocols import Failed
from bench.stats import summary_ms
from bench.wsclient import Arrival, Subscriber, subscribe
from tests.support.loopback import free_port

CREDIT_PATH = b"/credit-bureau/checks"
START = """mutation { startWorkflow(input: {workflowType: SELLING}) {
  ... on Step { stepId session { id token seq } } } }"""
MOVE = """mutation($i: TransitionInput!) { transition(input: $i) { __typename
  ... on Step { stepId session { seq } } ... on ValidationFailed { errors { field code } } } }"""
UPDATES = """subscription($s: ID!, $a: Int) { sessionUpdates(sessionId: $s, afterSeq: $a) {
  seq type at step { stepId } } }"""
PRIVATE_BUYER = {
    "make": "Honda",
    "model": "Civic",
    "year": 2018,
    "mileage": 48_000,
    "condition": "good",
    "agreed_price": 14_500,
    "buyer_name": "Grace Hopper",
    "buyer_email": "grace@example.com",
}


def applicant(index: int) -> dict[str, Any]:
    """Approved by the sandbox bureau (SSN not ending in 7, 8 or 9; income over $15,000)."""
    return {
        "full_name": "Grace Hopper",
        "date_of_birth": "1980-12-09",
        "ssn": f"12356{100 + index % 900:03d}{index % 7}",
        "address_line": "1 Infinite Loop",
        "zip": "95014",
        "annual_income": 85_000,
        "consent_to_credit_check": True,
    }


@dataclass
class CreditProxy:
    """Passes HTTP/1.1 requests to the sandbox and back; notes when each credit decision is
    handed to the server, by session (the bureau's idempotency key is `<session>:credit`)."""

    upstream: str
    stamps: dict[str, tuple[float, float]] = field(default_factory=dict)  # perf, wall
    url: str = ""
    _server: asyncio.Server | None = None

    async def start(self) -> str:
        port = free_port()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, _, port = self.upstream.removeprefix("http://").partition(":")
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                length, key = 0, ""
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                    elif name.strip().lower() == b"idempotency-key":
                        key = value.strip().decode()
                body = await reader.readexactly(length)
                if upstream is None:
                    upstream = await asyncio.open_connection(host, int(port))
                up_reader, up_writer = upstream
                up_writer.write(head + body)
                answer_head = await up_reader.readuntil(b"\r\n\r\n")
                parsed = parse_head(answer_head)
                answer = await up_reader.readexactly(parsed.content_length or 0)
                is_credit = head.split(b" ", 2)[1].endswith(CREDIT_PATH)
                if is_credit and parsed.status == 200:
                    self.stamps[key.removesuffix(":credit")] = (time.perf_counter(), time.time())
                writer.write(answer_head + answer)
                if parsed.close:
                    return
        except (OSError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()
            if upstream is not None:
                upstream[1].close()


@contextlib.asynccontextmanager
async def credit_proxy(folder: Path) -> AsyncIterator[CreditProxy]:
    """The sandbox as its own process, behind a CreditProxy."""
    async with sandbox(folder) as upstream:
        proxy = CreditProxy(upstream)
        await proxy.start()
        try:
            yield proxy
        finally:
            await proxy.close()


async def _move(http: Connection, token: str, session: str, step: str, data: object) -> Any:
    variables = {"i": {"sessionId": session, "currentStep": step, "data": data}}
    answer = await http.post("/graphql", {"query": MOVE, "variables": variables}, token)
    try:
        result = answer.json()["data"]["transition"]
    except (KeyError, TypeError, ValueError):
        raise Failed(answer) from None
    if "stepId" not in result:
        raise Failed(answer)
    return result


async def one_sample(entry: str, watch: str, index: int, proxy: CreditProxy) -> dict[str, float]:
    """Walks a selling flow on `entry` to the credit check, subscribes on `watch`, submits the
    check on `entry` and waits for the step the credit result moves the session to."""
    async with Connection(entry) as http:
        answer = await http.post("/graphql", {"query": START})
        started = answer.json()["data"]["startWorkflow"]
        session, token = started["session"]["id"], started["session"]["token"]
        await _move(http, token, session, "has_buyer", {"has_buyer": True})
        await _move(http, token, session, "buyer_type", {"buyer_type": "private"})
        await _move(http, token, session, "private_buyer_details", PRIVATE_BUYER)
        at_check = await _move(http, token, session, "financing_needs", {"needs_financing": True})
        seq = int(at_check["session"]["seq"])
        arrivals: asyncio.Queue[Arrival] = asyncio.Queue()

        def on_next(_: Subscriber, arrival: Arrival) -> None:
            arrivals.put_nowait(arrival)

        # afterSeq one below the latest: the latest event is replayed at once, which says the
        # subscription is live before the credit check is submitted.
        variables = {"s": session, "a": seq - 1}
        subscriber = await subscribe(watch, token, UPDATES, variables, on_next)
        try:
            async with asyncio.timeout(20):
                while _update(await arrivals.get())["seq"] < seq:
                    pass
                pending = await _move(http, token, session, "credit_check", applicant(index))
                if pending["stepId"] != "credit_check_pending":
                    raise AssertionError(f"credit_check answered {pending}")
                while True:
                    arrival = await arrivals.get()
                    update = _update(arrival)
                    if (update.get("step") or {}).get("stepId") == "selling_confirmation":
                        break
        finally:
            subscriber.close()
    perf, wall = proxy.stamps.pop(session)
    at = datetime.fromisoformat(update["at"])
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return {
        "result_to_push": arrival.perf - perf,
        "at_to_push": arrival.wall - at.timestamp(),
        "result_to_at": at.timestamp() - wall,
    }


def _update(arrival: Arrival) -> dict[str, Any]:
    data = arrival.payload.get("data") or {}
    update = data.get("sessionUpdates")
    if not isinstance(update, dict):
        raise AssertionError(f"not an update: {arrival.payload}")
    return update


async def measure(
    entry: str, watch: str, proxy: CreditProxy, samples: int, concurrency: int
) -> dict[str, Any]:
    """`samples` credit checks, `concurrency` at a time: push latency p50/p99 and the parts."""
    gate = asyncio.Semaphore(concurrency)
    results: list[dict[str, float]] = []
    errors: list[str] = []

    async def bounded(index: int) -> None:
        async with gate:
            try:
                results.append(await one_sample(entry, watch, index, proxy))
            except (Failed, AssertionError, OSError, TimeoutError, KeyError) as error:
                errors.append(f"{type(error).__name__}: {error}"[:300])

    began = time.perf_counter()
    async with asyncio.timeout(30 + samples * 25 / concurrency):
        await asyncio.gather(*(bounded(index) for index in range(samples)))
    push = summary_ms([r["result_to_push"] for r in results])
    return {
        "samples": samples,
        "concurrency": concurrency,
        "p50_ms": push["p50_ms"],
        "p99_ms": push["p99_ms"],
        "max_ms": push["max_ms"],
        "n": push["n"],
        "at_to_push": summary_ms([r["at_to_push"] for r in results]),
        "result_to_at": summary_ms([r["result_to_at"] for r in results]),
        "errors": len(errors),
        "error_examples": errors[:3],
        "elapsed_s": time.perf_counter() - began,
    }


async def one_process(folder: Path, samples: int, concurrency: int) -> dict[str, Any]:
    """SQLite default, in-process events: submit and subscribe on the one server."""
    async with (
        credit_proxy(folder) as proxy,
        sqlite_server(folder, "push", TREX_SANDBOX_URL=proxy.url) as stack,
    ):
        url = stack.urls[0]
        return await measure(url, url, proxy, samples, concurrency)


async def two_servers(folder: Path, samples: int, concurrency: int) -> dict[str, Any]:
    """PostgreSQL + Redis: submit on server A, subscribe on server B."""
    async with credit_proxy(folder) as proxy, scaleout(2, folder, proxy.url) as stack:
        return await measure(stack.urls[0], stack.urls[1], proxy, samples, concurrency)


def line(name: str, result: dict[str, Any]) -> str:
    errors = f", {result['errors']} errors" if result["errors"] else ""
    at = result["at_to_push"]
    return (
        f"{name}: credit result → push p50 {_f(result['p50_ms'])} ms, p99 "
        f"{_f(result['p99_ms'])} ms (n={result['n']}; event at → push p50 "
        f"{_f(at['p50_ms'])} / p99 {_f(at['p99_ms'])} ms{errors})"
    )


def _f(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


async def main(samples: int, concurrency: int, only: str | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        if only in (None, "one"):
            results["one_process"] = await one_process(Path(scratch), samples, concurrency)
            print(line("one process (SQLite)", results["one_process"]), flush=True)
        if only in (None, "two"):
            results["two_servers"] = await two_servers(Path(scratch), samples, concurrency)
            print(line("two servers (PostgreSQL + Redis)", results["two_servers"]), flush=True)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--only", choices=["one", "two"])
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments.samples, arguments.concurrency, arguments.only))
    out = Path("var/bench/push.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(outcome, indent=2) + "\n")
