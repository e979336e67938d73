"""Processes under test: `trex serve` on SQLite, the scale-out stack on PostgreSQL and Redis.

Every process is a child of the bench, logs to a file in a scratch folder, gets SIGTERM at the
end (SIGKILL 15 s later), and is measured through /proc (resident memory, CPU seconds).
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.loadclient import ready
from tests.stack import POSTGRES, UNREFUSING_LIMITS, postgres_url
from tests.support.loopback import accepts, free_port
from tests.support.processes import psql, running_redis
from tests.support.waiting import eventually

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    """The process's resident set (VmRSS), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise LookupError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
    return total - fields[3] - fields[4], total


async def quiet(pids: list[int], seconds: float = 15, idle_share: float = 0.05) -> float:
    """Wait until the processes use under `idle_share` of a core over 0.3 s (at most
    `seconds`); returns how long that took."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    before = sum(cpu_seconds(pid) for pid in pids)
    while loop.time() - began < seconds:
        await asyncio.sleep(0.3)
        now = sum(cpu_seconds(pid) for pid in pids)
        if now - before < idle_share * 0.3:
            break
        before = now
    return loop.time() - began


@dataclass
class Processes:
    """Children started by the bench; stopped in reverse order."""

    folder: Path
    started: list[tuple[str, asyncio.subprocess.Process]] = field(default_factory=list)

    async def spawn(
        self, name: str, *command: str, env: dict[str, str], cpus: frozenset[int] | None = None
    ) -> int:
        """`command` started with `env`, its output in `<name>.log`; on `cpus` only (every
        thread it starts too) when given."""
        pinned = None if cpus is None else functools.partial(os.sched_setaffinity, 0, cpus)
        with (self.folder / f"{name}.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                *command,
                env=env,
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                preexec_fn=pinned,
            )
        self.started.append((name, process))
        return process.pid

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.folder / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    async def ready(self, urls: list[str], names: list[str], seconds: float = 90) -> None:
        """Every server at `urls` answers `/readyz` with 200; else the tails of their logs."""

        async def all_ready() -> bool:
            return all([await ready(url) for url in urls])

        def tails() -> str:
            return "\n".join(f"--- {name}:\n{self.log_tail(name)}" for name in names)

        await eventually(all_ready, f"{', '.join(urls)} ready", seconds, 0.2, tails)

    async def stop(self) -> None:
        for _, process in reversed(self.started):
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.started:
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
                print(f"warning: {name} had not stopped 15 s after SIGTERM; killed", flush=True)
        self.started.clear()


def trex(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *arguments]


def base_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TREX_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return {**env, "LOG_LEVEL": "WARNING", **UNREFUSING_LIMITS, **extra}


@dataclass(frozen=True)
class Stack:
    urls: list[str]
    server_pids: list[int]
    all_pids: list[int]  # servers, and the worker, sandbox and Redis when there are


def sqlite_server(
    folder: Path, name: str = "sqlite", database: Path | None = None, **env: str
) -> AbstractAsyncContextManager[Stack]:
    """One `trex serve` on a fresh SQLite file (or `database`): the embedded default
    (in-process events, workers and sandbox unless `env` says otherwise)."""
    return pinned_sqlite_server(folder, name, database, env)


@asynccontextmanager
async def pinned_sqlite_server(
    folder: Path,
    name: str,
    database: Path | None,
    env: dict[str, str],
    cpus: frozenset[int] | None = None,
) -> AsyncIterator[Stack]:
    """`sqlite_server`, its process (every thread of it) on `cpus` if given."""
    os.makedirs(folder, exist_ok=True)
    database = database or folder / f"{name}-{uuid.uuid4().hex[:6]}.db"
    port = free_port()
    children = Processes(folder)
    try:
        pid = await children.spawn(
            name,
            *trex("serve"),
            env=base_env(PORT=str(port), DATABASE_URL=f"sqlite+aiosqlite:///{database}", **env),
            cpus=cpus,
        )
        url = f"http://127.0.0.1:{port}"
        await children.ready([url], [name])
        yield Stack([url], [pid], [pid])
    finally:
        await children.stop()


@asynccontextmanager
async def sandbox(folder: Path, port: int | None = None) -> AsyncIterator[str]:
    """The external services' sandbox as its own process; yields its base URL."""
    port = port or free_port()
    children = Processes(folder)
    try:
        await children.spawn(
            "sandbox",
            *trex("sandbox", "--port", str(port), "--log-level", "warning"),
            env=base_env(),
        )
        await eventually(lambda: accepts(port), f"the sandbox listening on {port}", 30, 0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        await children.stop()


@asynccontextmanager
async def scaleout(
    servers: int, folder: Path, sandbox_url: str | None = None
) -> AsyncIterator[Stack]:
    """A fresh PostgreSQL database, a private Redis, the sandbox (unless `sandbox_url` names
    one), one worker and `servers` servers without in-process handlers."""
    os.makedirs(folder, exist_ok=True)
    database = f"trex_bench_{uuid.uuid4().hex[:8]}"
    psql(POSTGRES, f"CREATE DATABASE {database}")
    children = Processes(folder)
    async with AsyncExitStack() as stack:
        try:
            redis = stack.enter_context(running_redis())
            if sandbox_url is None:
                sandbox_url = await stack.enter_async_context(sandbox(folder))
            env = base_env(
                DATABASE_URL=postgres_url(database),
                REDIS_URL=redis.url,
                TREX_SANDBOX_URL=sandbox_url,
                TREX_INPROCESS_WORKERS="0",
            )
            worker = await children.spawn(f"worker-{database}", *trex("worker"), env=env)
            ports = [free_port() for _ in range(servers)]
            names = [f"server-{port}" for port in ports]
            pids = [
                await children.spawn(name, *trex("serve"), env={**env, "PORT": str(port)})
                for name, port in zip(names, ports, strict=True)
            ]
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            await children.ready(urls, names)
            yield Stack(urls, pids, [*pids, worker, redis.pid])
        finally:
            await children.stop()
            psql(POSTGRES, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
