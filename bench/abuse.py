"""Abuse: a normal visitor's transition latency while one client abuses each limit.

    .venv/bin/python -m bench.abuse [--seconds 6] [--out var/bench]

One `trex serve` in the production profile (its external services in the sandbox's own
process, a registered host site, every limit at its default), on SQLite. A few normal visitors,
each a client address of its own, walk the first steps of a buying flow at a human-like pace
(a transition every 0.5 s each) and time every transition, first with nothing else going on,
then while one abusive client (one address; X-Forwarded-For from loopback, which uvicorn
trusts) does each of the following as fast as it can, with a few connections, bounded in time
and count: floods startWorkflow; sends transitions with wrong tokens; hammers one session;
sends the 26 KB document of repeated fields; opens websockets beyond the cap and sends
oversized frames; submits fake leads for the inventory's vehicles. Prints the visitors' p50 and
p99 per abuse and what the abuser got back; writes var/bench/abuse.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

from app.settings import RateLimits, Settings
from bench.harness import base_env, sandbox, sqlite_server, trex
from bench.loadclient import Connection, Response
from bench.stats import summary_ms

ORIGIN = "https://cars.bench.example"
START = """mutation { startWorkflow(input: {workflowType: BUYING}) {
  __typename ... on Step { stepId session { id token } } } }"""
MOVE = """mutation($i: TransitionInput!) { transition(input: $i) { __typename
  ... on Step { stepId } ... on VehicleResultsStep { vehicles { id } } } }"""
BACK = """mutation($i: BackInput!) { back(input: $i) { __typename ... on Step { stepId } } }"""
# 26 KB of one field repeated: inside the token limit, quadratic for GraphQL's overlap check.
REPEATED = 'query { session(sessionId: "0") { ... on Step { ' + "componentName " * 1_900 + "} } }"
# Every limit at its default (the other benchmarks raise them out of the way).
_DEFAULTS = Settings()
DEFAULT_LIMITS = {
    **{
        f"TREX_RATE_{name.upper()}": getattr(_DEFAULTS.rate_limits, name)
        for name in RateLimits.__dataclass_fields__
    },
    "TREX_HOLDS_PER_CLIENT": str(_DEFAULTS.holds_per_client),
    "TREX_LEADS_PER_CLIENT_PER_DAY": str(_DEFAULTS.leads_per_client_per_day),
    "TREX_WS_CONNECTIONS_PER_ADDRESS": str(_DEFAULTS.ws_connections_per_address),
    "TREX_SUBSCRIPTIONS_PER_SESSION": str(_DEFAULTS.subscriptions_per_session),
}
ABUSER_CONNECTIONS = 4
MAX_ABUSER_REQUESTS = 20_000  # per abuse, whatever the time box says
VISITORS = 8
PACE_S = 0.5


@dataclass
class Site:
    publishable_key: str

    def headers(self, address: str) -> dict[str, str]:
        return {"x-publishable-key": self.publishable_key, "origin": ORIGIN, **forwarded(address)}


def forwarded(address: str) -> dict[str, str]:
    return {"x-forwarded-for": address}


async def graphql(
    http: Connection, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> Response:
    body = orjson.dumps({"query": query, "variables": variables})
    return await http.request("POST", "/graphql", body, headers)


async def start(http: Connection, site: Site, address: str) -> tuple[str, str] | None:
    answer = await graphql(http, START, {}, site.headers(address))
    with contextlib.suppress(KeyError, TypeError, ValueError):
        session = answer.json()["data"]["startWorkflow"]["session"]
        return session["id"], session["token"]
    return None


def authorised(token: str, address: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", **forwarded(address)}


async def move(
    http: Connection, session: tuple[str, str], step: str, data: object, address: str
) -> Response:
    variables = {"i": {"sessionId": session[0], "currentStep": step, "data": data}}
    return await graphql(http, MOVE, variables, authorised(session[1], address))


async def back(http: Connection, session: tuple[str, str], step: str, address: str) -> Response:
    variables = {"i": {"sessionId": session[0], "currentStep": step}}
    return await graphql(http, BACK, variables, authorised(session[1], address))


# --- the normal visitors

VISITOR_STEPS: list[tuple[str, str, object]] = [
    ("move", "vehicle_knowledge", {"knows_vehicle": True}),
    ("move", "vehicle_search", {"make": "Ford"}),
    ("back", "search_results", None),
    ("back", "vehicle_search", None),
]


async def visitor(url: str, site: Site, index: int, until: float, samples: list[float]) -> int:
    """Walks and times transitions until `until`; returns how many failed."""
    address, failures = f"10.0.0.{index + 1}", 0
    async with Connection(url) as http:
        session = await start(http, site, address)
        if session is None:
            return 1
        for kind, step, data in itertools.cycle(VISITOR_STEPS):
            if time.monotonic() >= until:
                return failures
            began = time.perf_counter()
            if kind == "move":
                answer = await move(http, session, step, data, address)
            else:
                answer = await back(http, session, step, address)
            samples.append(time.perf_counter() - began)
            if answer.status != 200 or b'"stepId"' not in answer.body:
                failures += 1
            await asyncio.sleep(max(0.0, PACE_S - (time.perf_counter() - began)))
    return failures


# --- the abuses: each runs `connections` loops of one request kind until the time is up


@dataclass
class Abuser:
    url: str
    site: Site
    address: str = "203.0.113.66"
    answers: Counter[str] = field(default_factory=Counter)
    sent: int = 0

    def more(self, until: float) -> bool:
        return time.monotonic() < until and self.sent < MAX_ABUSER_REQUESTS

    def record(self, answer: Response) -> None:
        self.sent += 1
        code = ""
        if answer.status == 200 and b'"RATE_LIMITED"' in answer.body:
            code = " RATE_LIMITED"
        elif answer.status == 200 and b'"errors"' in answer.body:
            code = " error"
        self.answers[f"{answer.status}{code}"] += 1

    async def loop(self, until: float, once: Callable[[Connection], Awaitable[Response]]) -> None:
        async with Connection(self.url) as http:
            while self.more(until):
                self.record(await once(http))

    async def sessions(self, until: float) -> None:
        await self.loop(
            until, lambda http: graphql(http, START, {}, self.site.headers(self.address))
        )

    async def token_failures(self, until: float) -> None:
        async def wrong(http: Connection) -> Response:
            session = (str(uuid.uuid4()), "not-the-token")
            return await move(
                http, session, "vehicle_knowledge", {"knows_vehicle": True}, self.address
            )

        await self.loop(until, wrong)

    async def one_session(self, until: float) -> None:
        async with Connection(self.url) as http:
            session = await start(http, self.site, self.address)
            assert session is not None, "the abuser could not start its session"
            for step in itertools.cycle(["vehicle_knowledge", "vehicle_search"]):
                if not self.more(until):
                    return
                if step == "vehicle_knowledge":
                    answer = await move(http, session, step, {"knows_vehicle": True}, self.address)
                else:
                    answer = await back(http, session, step, self.address)
                self.record(answer)

    async def expensive_document(self, until: float) -> None:
        headers = forwarded(self.address)
        await self.loop(until, lambda http: graphql(http, REPEATED, {}, headers))

    async def websockets(self, until: float) -> None:
        """Sockets held open beyond the cap (each with its `connection_init`), then a 1 MiB
        frame on every one that was let in."""
        ws_url = self.url.replace("http://", "ws://") + "/graphql"
        headers = {**forwarded(self.address), "origin": ORIGIN}
        held: list[Any] = []
        try:
            while self.more(until) and self.sent < 200:
                self.sent += 1
                try:
                    ws = await connect(
                        ws_url,
                        subprotocols=[Subprotocol("graphql-transport-ws")],
                        additional_headers=headers,
                        max_size=None,
                        open_timeout=5,
                    )
                    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                except (OSError, WebSocketException, TimeoutError) as refused:
                    self.answers[f"refused ({type(refused).__name__})"] += 1
                    continue
                self.answers["held open"] += 1
                held.append(ws)
            for ws in held:
                with contextlib.suppress(WebSocketException, OSError, TimeoutError):
                    await ws.send("x" * (1024 * 1024))
                    async with asyncio.timeout(2):
                        await ws.wait_closed()
                received = ws.protocol.close_rcvd
                code = None if received is None else received.code
                self.answers[f"1 MiB frame: closed {code}"] += 1
            await asyncio.sleep(max(0.0, until - time.monotonic()))
        finally:
            for ws in held:
                with contextlib.suppress(Exception):
                    await ws.close()

    async def fake_leads(self, until: float) -> None:
        async with Connection(self.url) as http:
            for number in itertools.count():
                if not self.more(until):
                    return
                self.record(await self._fake_lead(http, number))

    async def _fake_lead(self, http: Connection, number: int) -> Response:
        session = await start(http, self.site, self.address)
        if session is None:
            return Response(429, b"start refused")
        await move(http, session, "vehicle_knowledge", {"knows_vehicle": True}, self.address)
        found = await move(http, session, "vehicle_search", {"make": "Tesla"}, self.address)
        vehicles = (found.json().get("data") or {}).get("transition", {}).get("vehicles") or []
        if not vehicles:
            return found
        vehicle = {"vehicle_id": vehicles[0]["id"]}
        await move(http, session, "search_results", vehicle, self.address)
        await move(http, session, "vehicle_selection", {"confirm": True}, self.address)
        contact = {
            "first_name": "Fake",
            "last_name": f"Lead{number}",
            "email": f"victim{number}@example.com",
            "phone": "+14155550123",
            "zip": "10001",
            "preferred_contact": "email",
            "consent_to_contact": True,
        }
        return await move(http, session, "buying_confirmation", contact, self.address)


ABUSES: dict[str, Callable[[Abuser, float], Awaitable[None]]] = {
    "startWorkflow flood": Abuser.sessions,
    "wrong tokens": Abuser.token_failures,
    "one session hammered": Abuser.one_session,
    "26 KB repeated-field document": Abuser.expensive_document,
    "websockets beyond the cap, 1 MiB frames": Abuser.websockets,
    "fake leads for every Tesla": Abuser.fake_leads,
}


async def abuse_alone(name: str, url: str, key: str, address: str, seconds: float) -> None:
    """The abuser's side of a phase, in a process of its own (so its CPU is not the visitors'
    client's): prints what it sent and got back, as JSON."""
    abuser = Abuser(url, Site(key), address)
    abuse = ABUSES[name]
    until = time.monotonic() + seconds
    loops = 1 if abuse in (Abuser.websockets, Abuser.one_session) else ABUSER_CONNECTIONS
    async with asyncio.timeout(seconds + 30):
        await asyncio.gather(*(abuse(abuser, until) for _ in range(loops)))
    print(json.dumps({"sent": abuser.sent, "answers": dict(abuser.answers.most_common())}))


async def phase(
    url: str, site: Site, seconds: float, name: str | None, index: int
) -> dict[str, Any]:
    """The visitors for `seconds`, while (unless `name` is None) that abuse runs in a child
    process from an address of its own."""
    until = time.monotonic() + seconds
    samples: list[float] = []
    visitors = asyncio.gather(
        *(visitor(url, site, number, until, samples) for number in range(VISITORS))
    )
    abuser = None
    if name is not None:
        arguments = [name, url, site.publishable_key, f"203.0.113.{index + 1}", str(seconds)]
        abuser = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.abuse",
            "--abuser",
            *arguments,
            stdout=asyncio.subprocess.PIPE,
        )
    async with asyncio.timeout(seconds + 60):
        failures = await visitors
        report = {"sent": 0, "answers": {}}
        if abuser is not None:
            output, _ = await abuser.communicate()
            report = json.loads(output.decode().strip().splitlines()[-1])
    return {
        "visitor": summary_ms(samples),
        "visitor_failures": sum(failures),
        "abuser_sent": report["sent"],
        "abuser_answers": report["answers"],
    }


def create_site(database_url: str) -> Site:
    created = subprocess.run(
        [*trex("host-site", "create", "--name", "Bench", "--origin", ORIGIN)],
        env=base_env(DATABASE_URL=database_url),
        capture_output=True,
        check=True,
        text=True,
        timeout=60,
    )
    return Site(json.loads(created.stdout)["publishable_key"])


async def main(seconds: float, folder: Path) -> dict[str, Any]:
    database = folder / f"abuse-{uuid.uuid4().hex[:6]}.db"
    database_url = f"sqlite+aiosqlite:///{database}"
    site = create_site(database_url)
    results: dict[str, Any] = {}
    async with sandbox(folder) as sandbox_url:
        env = {"TREX_ENV": "production", "TREX_SANDBOX_URL": sandbox_url, **DEFAULT_LIMITS}
        async with sqlite_server(folder, "abuse", database, **env) as stack:
            url = stack.urls[0]
            for index, name in enumerate([None, *ABUSES]):
                shown = name or "nothing (baseline)"
                results[shown] = await phase(url, site, seconds, name, index)
                print(line(shown, results[shown]), flush=True)
    return results


def line(name: str, result: dict[str, Any]) -> str:
    visitor = result["visitor"]
    answers = ", ".join(f"{count} × {code}" for code, count in result["abuser_answers"].items())
    p50, p99 = visitor["p50_ms"] or 0, visitor["p99_ms"] or 0
    return (
        f"{name:42} visitor p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  (n={visitor['n']}, "
        f"failed {result['visitor_failures']})  abuser: {answers or '—'}"
    )


def table(results: dict[str, Any]) -> str:
    rows = [
        "| abuse (one client) | visitor p50 / p99 ms | visitor failures | what the abuser got |",
        "|---|---:|---:|---|",
    ]
    for name, result in results.items():
        visitor = result["visitor"]
        answers = ", ".join(f"{count} × {code}" for code, count in result["abuser_answers"].items())
        rows.append(
            f"| {name} | {visitor['p50_ms'] or 0:.1f} / {visitor['p99_ms'] or 0:.1f} | "
            f"{result['visitor_failures']} | {answers or '—'} |"
        )
    return "\n".join(rows)


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per abuse")
    parser.add_argument("--out", type=Path, default=Path("var/bench"))
    parser.add_argument("--abuser", nargs=5, metavar=("ABUSE", "URL", "KEY", "ADDRESS", "SECONDS"))
    args = parser.parse_args()
    if args.abuser:
        name, url, key, address, seconds = args.abuser
        asyncio.run(abuse_alone(name, url, key, address, float(seconds)))
        return 0
    with tempfile.TemporaryDirectory(prefix="trex-abuse-") as scratch:
        results = asyncio.run(main(args.seconds, Path(scratch)))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "abuse.json").write_text(json.dumps(results, indent=2))
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
