"""`make bench`: every part of the benchmark in one run, on this machine.

    .venv/bin/python -m bench [--quick] [--readme README.md] [--out var/bench]

(a)/(b) REST and GraphQL transitions at 1, 8, 32 and 64 visitors and (c) whole buying flows on
one SQLite server (`bench.protocols`); (f) the same loop at 32 visitors on PostgreSQL + Redis
with one server, then two (`bench.scaleout`), where (e) across servers is measured too; (e) in
one process (`bench.push`); (d) 1k, 5k and 10k websocket subscribers (`bench.fanout`); and, for
context, one transition in-process and a lead's submission to COMPLETED; (g) what the rate
limits cost, counted in memory and in Redis (`bench.limits`); (h) a normal visitor's transitions
while one client abuses each limit, in the production profile (`bench.abuse`). Every level is
bounded in time; a part that fails is reported and the run goes on.

Prints a line per level as it finishes (with the time since the start), then the tables; writes
var/bench/results.json, results.md and results.png; with --readme, the README's benchmark
section (not on --quick runs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import abuse, fanout, limits, protocols, push, report, scaleout
from bench.harness import machine_jiffies, sqlite_server
from bench.harness import scaleout as scaleout_stack
from bench.stats import summary_ms

STORAGE_VISITORS = 32


@dataclass(frozen=True)
class Plan:
    seconds: float  # per transition level and protocol
    slices: int  # REST and GraphQL alternate in this many stretches per level
    levels: tuple[int, ...]
    flow_seconds: float
    fanout_levels: tuple[int, ...]
    push_samples: int
    push_concurrency: int
    storage_seconds: float
    worker_leads: int
    in_process_rounds: int
    leads: int
    limits_seconds: float  # (g), per protocol and server
    abuse_seconds: float  # (h), per abuse


FULL = Plan(
    seconds=8,
    slices=4,
    levels=(1, 8, 32, 64),
    flow_seconds=8,
    fanout_levels=(1000, 5000, 10000),
    push_samples=100,
    push_concurrency=5,
    storage_seconds=8,
    worker_leads=10,
    in_process_rounds=30,
    leads=20,
    limits_seconds=8,
    abuse_seconds=6,
)
QUICK = Plan(
    seconds=1.5,
    slices=1,
    levels=(1, 8, 32, 64),
    flow_seconds=2,
    fanout_levels=(200, 500),
    push_samples=8,
    push_concurrency=4,
    storage_seconds=1.5,
    worker_leads=2,
    in_process_rounds=3,
    leads=4,
    limits_seconds=1.5,
    abuse_seconds=2,
)


class Progress:
    def __init__(self) -> None:
        self.began = time.monotonic()

    def say(self, text: str) -> None:
        elapsed = time.monotonic() - self.began
        print(f"[{int(elapsed // 60):2d}:{elapsed % 60:04.1f}] {text}", flush=True)


class Run:
    """The results of one run, filled part by part; a failing part is noted, not fatal."""

    def __init__(self, plan: Plan, quick: bool, folder: Path) -> None:
        self.plan = plan
        self.folder = folder
        self.progress = Progress()
        self.results: dict[str, Any] = {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": quick,
            "plan": plan.__dict__,
            "machine": report.machine(),
            "transitions": {},
            "flows": {},
            "fanout": {},
            "push": {},
            "storage": {},
            "extras": {},
            "limits": {},
            "abuse": {},
            "failures": [],
        }

    async def part(self, name: str, body: Callable[[], Awaitable[None]], limit_s: float) -> None:
        """Runs one part, at most `limit_s` seconds (a backstop: every level inside has its own
        bound)."""
        self.progress.say(f"{name} …")
        try:
            async with asyncio.timeout(limit_s):
                await body()
        except Exception as error:  # noqa: BLE001 - a broken part is reported, the run goes on
            detail = "".join(traceback.format_exception_only(error)).strip()
            self.results["failures"].append({"part": name, "error": detail})
            self.progress.say(f"FAILED {name}: {detail[:500]}")
            traceback.print_exc(file=sys.stderr)

    async def transitions(self) -> None:
        """(a), (b) and (c) on one SQLite server; its 32-visitor level is (f)'s SQLite row."""
        plan = self.plan
        async with sqlite_server(self.folder, "transitions") as stack:
            await protocols.warm_up(stack.urls)
            for visitors in plan.levels:
                pair = await protocols.both(
                    stack.urls, visitors, plan.seconds, stack.server_pids, plan.slices
                )
                self.results["transitions"][str(visitors)] = pair
                for result in pair.values():
                    self.progress.say(f"(a)/(b) SQLite {protocols.line(result)}")
                ratio = pair["graphql"]["per_second"] / max(pair["rest"]["per_second"], 1e-9)
                self.progress.say(f"(a)/(b) {visitors} visitors: b/a = {ratio:.2f}")
            flows = await protocols.flows(stack.urls, 32, plan.flow_seconds, stack.server_pids)
            self.results["flows"] = flows
            self.progress.say(
                f"(c) {flows['flows_per_second']:.1f} whole buying flows/s "
                f"({flows['flows']} flows, p99 {protocols.fmt(flows['flow_p99_ms'])} ms, "
                f"{flows['errors']} errors)"
            )
        if str(STORAGE_VISITORS) in self.results["transitions"]:
            self.results["storage"]["sqlite"] = self.results["transitions"][str(STORAGE_VISITORS)]

    async def storage(self, servers: int) -> None:
        """(f) the loop at 32 visitors on PostgreSQL + Redis; with two servers, (e) across
        them and a worker's event pushed on the other server as well."""
        plan = self.plan
        key = f"postgres_{servers}"
        async with (
            push.credit_proxy(self.folder) as proxy,
            scaleout_stack(servers, self.folder, proxy.url) as stack,
        ):
            await protocols.warm_up(stack.urls)
            pair = await protocols.both(
                stack.urls, STORAGE_VISITORS, plan.storage_seconds, stack.server_pids, plan.slices
            )
            self.results["storage"][key] = pair
            for result in pair.values():
                self.progress.say(f"(f) PostgreSQL ×{servers} {protocols.line(result)}")
            if servers < 2:
                return
            self.results["push"]["two_servers"] = await push.measure(
                stack.urls[0], stack.urls[1], proxy, plan.push_samples, plan.push_concurrency
            )
            self.progress.say(
                "(e) " + push.line("across two servers", self.results["push"]["two_servers"])
            )
            worker = await scaleout.worker_push(stack.urls, plan.worker_leads)
            self.results["extras"]["worker_push"] = worker
            self.progress.say(
                f"    worker's lead event → push on the other server: p50 "
                f"{protocols.fmt(worker['p50_ms'])} ms, p99 {protocols.fmt(worker['p99_ms'])}"
                f" ms (n={worker['n']})"
            )

    async def push_one_process(self) -> None:
        result = await push.one_process(
            self.folder, self.plan.push_samples, self.plan.push_concurrency
        )
        self.results["push"]["one_process"] = result
        self.progress.say("(e) " + push.line("one process (SQLite)", result))

    async def fanout(self) -> None:
        fanout.raise_file_limit()
        for subscribers in self.plan.fanout_levels:
            result = await fanout.level(self.folder, subscribers, batch=200)
            self.results["fanout"][str(subscribers)] = result
            self.progress.say(f"(d) {fanout.line(result)}")

    async def extras(self) -> None:
        """In-process numbers for context: they load the app into this process."""
        from bench.lead_completion import measure as lead_completion
        from bench.transition_latency import in_process

        timings = await in_process(self.plan.in_process_rounds, self.folder)
        self.results["extras"]["in_process_transition"] = summary_ms(timings)
        summary = self.results["extras"]["in_process_transition"]
        self.progress.say(
            f"    one transition in-process: p50 {protocols.fmt(summary['p50_ms'])} ms, "
            f"p99 {protocols.fmt(summary['p99_ms'])} ms (n={summary['n']})"
        )
        completed = summary_ms(await lead_completion(self.plan.leads, 4))
        self.results["extras"]["lead_completion"] = completed
        self.progress.say(
            f"    lead submission → COMPLETED: p50 {protocols.fmt(completed['p50_ms'])} ms, "
            f"p99 {protocols.fmt(completed['p99_ms'])} ms (n={completed['n']})"
        )

    async def limits(self) -> None:
        """(g) every rate counted against the rates off, with the counts in memory and in
        Redis."""
        for redis in (False, True):
            result = await limits.compare(
                self.folder, STORAGE_VISITORS, self.plan.limits_seconds, self.plan.slices, redis
            )
            self.results["limits"][result["storage"]] = result
            self.progress.say(f"(g) {limits.line(result)}")

    async def abuse(self) -> None:
        """(h) a normal visitor's transitions while one client abuses each limit (each abuse
        prints its line as it ends)."""
        self.results["abuse"] = await abuse.main(self.plan.abuse_seconds, self.folder)

    async def all(self) -> dict[str, Any]:
        busy, total = machine_jiffies()
        await asyncio.sleep(1)
        busy2, total2 = machine_jiffies()
        self.results["machine"]["busy_before_run"] = (busy2 - busy) / max(1, total2 - total)
        self.progress.say(
            f"machine: {report.describe(self.results['machine'])}; "
            f"{self.results['machine']['busy_before_run']:.0%} busy before the run"
        )
        await self.part("(a)/(b)/(c) transitions and flows, SQLite", self.transitions, 900)
        await self.part("(f) PostgreSQL + Redis, one server", lambda: self.storage(1), 300)
        await self.part("(f)/(e) PostgreSQL + Redis, two servers", lambda: self.storage(2), 600)
        await self.part("(e) push in one process", self.push_one_process, 300)
        await self.part("(d) fan-out", self.fanout, 1200)
        await self.part("context: in-process transition, lead completion", self.extras, 240)
        await self.part("(g) what the rate limits cost", self.limits, 400)
        await self.part("(h) a visitor while one client abuses each limit", self.abuse, 300)
        self.results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.results["duration_s"] = time.monotonic() - self.progress.began
        self.results["checks"] = report.as_dicts(report.checks(self.results))
        return self.results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run of every part")
    parser.add_argument("--out", type=Path, default=Path("var/bench"))
    parser.add_argument("--readme", type=Path, help="update this README's benchmark section")
    arguments = parser.parse_args()
    plan = QUICK if arguments.quick else FULL
    with tempfile.TemporaryDirectory(prefix="trex-bench-") as scratch:
        results = asyncio.run(Run(plan, arguments.quick, Path(scratch)).all())
    out: Path = arguments.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report.markdown(results)
    (out / "results.md").write_text(text)
    try:
        report.plot(results, out / "results.png")
    except Exception as error:  # noqa: BLE001 - the numbers stand without the picture
        print(f"no plot: {error}", file=sys.stderr)
    print("\n" + text)
    print(f"Wrote {out / 'results.json'}, {out / 'results.md'} and {out / 'results.png'}.")
    if arguments.readme is not None:
        if arguments.quick:
            print(f"{arguments.readme} left alone: a --quick run is not the latest table.")
        else:
            # The README's copy of the plot and numbers is committed beside it.
            kept = arguments.readme.parent / report.KEPT
            kept.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / "results.json", kept / "results.json")
            if (out / "results.png").exists():
                shutil.copyfile(out / "results.png", kept / "results.png")
            report.update_readme(arguments.readme, report.readme_section(results))
            print(f"Updated {arguments.readme} and {kept}.")
    return 1 if results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
