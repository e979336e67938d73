"""Real processes for the scale-out tests: `trex serve`, `trex worker`, `trex sandbox` and a
private `redis-server`, on loopback, over a fresh PostgreSQL database of the machine's cluster.

Each process writes its output to a log file in the module's tmp folder (appended across
restarts, with a banner per start); a failing test's report carries the tail of every log
(`tests/scaleout/conftest.py`). Every process started here is killed at teardown, even when the
test failed, and at interpreter exit as a last resort; on Linux a child also dies with the test
process (PR_SET_PDEATHSIG). Every wait is bounded in time.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from tests import stack
from tests.e2e.client import Api
from tests.support.loopback import free_port
from tests.support.processes import answers_ping_async, psql_async, redis_argv, redis_url, run
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TREX = [str(BIN / "trex")]
PG_VERSION = next(iter(sorted(p.name for p in Path("/etc/postgresql").glob("*"))), "15")
PG_CTL = ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main"]
STARTUP_SECONDS = 45.0
TEARDOWN_GRACE_S = 2.0  # SIGTERM at teardown, then SIGKILL
LOG_TAIL_LINES = 120
# Environment variables of the caller that would change how the processes run: replaced.
_OWN_VARIABLES = ("DATABASE_URL", "REDIS_URL", "HOST", "PORT", "LOG_LEVEL")

_live: set[subprocess.Popen[bytes]] = set()
ACTIVE: list[Cluster] = []
METRICS: list[tuple[str, str]] = []


class ProcessFailed(AssertionError):
    """A process exited or did not become ready in time; the message carries its log's tail."""


def measured(name: str, value: float, unit: str = "s") -> None:
    """A number the run measured: printed at the end of the pytest run (terminal summary)."""
    METRICS.append((name, f"{value:.3f} {unit}" if unit == "s" else f"{value:g} {unit}"))


def noted(name: str, what: str) -> None:
    """Something the run observed, printed with the measured numbers."""
    METRICS.append((name, what))


def _stamp() -> str:
    return datetime.now(UTC).strftime("%H:%M:%S.%f")[:-3]


def _prctl() -> Callable[..., int] | None:
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None
    return prctl


_PRCTL = _prctl()  # resolved here: the child only calls it, between fork and exec


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL when the test process goes away (Linux only)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@atexit.register
def _kill_leftovers() -> None:
    for popen in list(_live):
        if popen.poll() is None:
            popen.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(5)
        _live.discard(popen)


class Process:
    """One OS process, started (and restarted) from the same command line and environment."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.log = log
        self.starts = 0
        self.popen: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    def spawn(self) -> None:
        """Start the process (not waiting for it to be ready)."""
        assert not self.running, f"{self.name} is already running"
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n===== {self.name} start #{self.starts} at {_stamp()} =====\n".encode())
            out.flush()
            self._log_offset = out.tell()
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        _live.add(self.popen)

    async def start(self, seconds: float = STARTUP_SECONDS) -> None:
        self.spawn()
        await self.wait_ready(seconds)

    async def wait_ready(self, seconds: float = STARTUP_SECONDS) -> float:
        """Wait until the process answers its readiness probe; returns the seconds it took."""

        async def ready() -> bool:
            if not self.running:
                code = None if self.popen is None else self.popen.returncode
                raise ProcessFailed(
                    f"{self.name} exited ({code}) before it was ready\n{self.tail()}"
                )
            return await self.probe()

        try:
            return await eventually(ready, f"{self.name} ready", seconds, detail=self.tail)
        except ProcessFailed:
            raise
        except AssertionError as late:
            raise ProcessFailed(str(late)) from None

    async def probe(self) -> bool:
        """Ready? Subclasses ask the process; a bare process is ready once it runs."""
        return self.running

    async def kill(self) -> None:
        """`kill -9`: no clean-up of any kind in the process."""
        if self.running:
            assert self.popen is not None
            self._note(f"SIGKILL to pid {self.popen.pid}")
            self.popen.kill()
        await self._reap(10)

    async def terminate(self, seconds: float = 15) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited within `seconds`. Returns the exit code."""
        if self.running:
            assert self.popen is not None
            self._note(f"SIGTERM to pid {self.popen.pid}")
            self.popen.terminate()
            try:
                return await self._reap(seconds)
            except ProcessFailed:
                self._note(f"still running {seconds:.0f}s after SIGTERM: SIGKILL")
                self.popen.kill()
        return await self._reap(10)

    async def _reap(self, seconds: float) -> int | None:
        if self.popen is None:
            return None
        began = time.monotonic()
        while self.popen.poll() is None:
            if time.monotonic() - began > seconds:
                raise ProcessFailed(f"{self.name} (pid {self.popen.pid}) did not exit")
            await asyncio.sleep(0.02)
        _live.discard(self.popen)
        return self.popen.returncode

    def _note(self, what: str) -> None:
        with self.log.open("a") as out:
            out.write(f"===== {self.name}: {what} at {_stamp()} =====\n")

    def output_since_start(self) -> str:
        """What the process wrote since its latest start."""
        if not self.log.exists():
            return ""
        with self.log.open("rb") as out:
            out.seek(self._log_offset)
            return out.read().decode(errors="replace")

    def tail(self, lines: int = LOG_TAIL_LINES) -> str:
        if not self.log.exists():
            return f"({self.log} is empty)"
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


class HttpProcess(Process):
    """A process that serves HTTP on its own loopback port (the same one after a restart)."""

    ready_path = "/healthz"

    def __init__(
        self, name: str, argv: Sequence[str], env: dict[str, str], log: Path, port: int
    ) -> None:
        super().__init__(name, argv, env, log)
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=10, trust_env=False)

    async def probe(self) -> bool:
        return self.running and await self.answers(self.ready_path) == 200

    async def answers(self, path: str, seconds: float = 2) -> int | None:
        """The status of `GET path`, or None when nothing answers."""
        try:
            response = await self.http.get(path, timeout=seconds)
        except httpx.HTTPError:
            return None
        return response.status_code

    async def aclose(self) -> None:
        await self.http.aclose()


class Server(HttpProcess):
    """`trex serve`: ready when `/readyz` answers 200 (database, bus and relay)."""

    ready_path = "/readyz"

    def __init__(self, name: str, env: dict[str, str], log: Path, port: int) -> None:
        super().__init__(name, [*TREX, "serve"], {**env, "PORT": str(port)}, log, port)
        self.ws_url = f"ws://127.0.0.1:{port}/graphql"
        self.api = Api(self.http, self.ws_url)


class Sandbox(HttpProcess):
    """`trex sandbox`: the five external services, their faults and what they stored."""

    ready_path = "/sandbox/"

    def __init__(self, env: dict[str, str], log: Path, port: int) -> None:
        argv = [*TREX, "sandbox", "--port", str(port), "--log-level", "warning"]
        super().__init__("sandbox", argv, env, log, port)

    async def fault(self, service: str, **fault: object) -> None:
        response = await self.http.post(f"/sandbox/{service}/faults", json=fault)
        assert response.status_code == 200, response.text

    async def clear(self, *services: str) -> None:
        for service in services:
            response = await self.http.delete(f"/sandbox/{service}/faults")
            assert response.status_code == 200, response.text

    async def requests(self, service: str) -> int:
        """API calls that reached `service` so far (counted before its faults delay them)."""
        response = await self.http.get(f"/sandbox/{service}/stats")
        assert response.status_code == 200, response.text
        return int(response.json()["requests"])

    async def _listing(self, path: str, key: str, **params: str) -> list[dict[str, Any]]:
        response = await self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        items: list[dict[str, Any]] = body[key] if isinstance(body, dict) else body
        return items

    async def messages(self, to: str | None = None) -> list[dict[str, Any]]:
        params = {} if to is None else {"to": to}
        return await self._listing("/sandbox/communications/messages", "messages", **params)

    async def crm_leads(self) -> list[dict[str, Any]]:
        return await self._listing("/sandbox/lead-crm/leads", "leads")

    async def assignments(self) -> list[dict[str, Any]]:
        return await self._listing("/sandbox/dealer-network/assignments", "assignments")


class Worker(Process):
    """`trex worker`: ready when it has logged that it is (it serves no HTTP)."""

    marker = "worker ready"

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        # INFO: the readiness line, and each lead status and retry, for the failure reports.
        super().__init__(name, [*TREX, "worker"], {**env, "LOG_LEVEL": "INFO"}, log)

    async def probe(self) -> bool:
        return self.running and self.marker in self.output_since_start()


class Redis(Process):
    """A private redis-server (no persistence), its output logged: killed and restarted by the
    tests at will."""

    def __init__(self, log: Path, port: int) -> None:
        super().__init__("redis", redis_argv(port), dict(os.environ), log)
        self.port = port
        self.url = redis_url(port)

    async def probe(self) -> bool:
        return self.running and await answers_ping_async(self.port)


# PostgreSQL: the machine's cluster; a fresh database per module.


async def psql(sql: str, database: str | None = None) -> list[list[str]]:
    """Rows of `sql` on `database` of the cluster, or on its maintenance database."""
    url = stack.POSTGRES if database is None else stack.postgres_url(database, "postgresql")
    return await psql_async(url, sql)


async def create_database() -> str:
    name = f"trex_scaleout_{uuid.uuid4().hex[:12]}"
    await psql(f"CREATE DATABASE {name}")
    return name


async def drop_database(name: str) -> None:
    await ensure_postgres_up()
    await psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def postgres_ready() -> bool:
    code, _ = await run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-t", "1"], 10)
    return code == 0


async def pg_ctl(action: str) -> float:
    """`pg_ctlcluster … main <action>`; returns the seconds it took."""
    began = time.monotonic()
    code, output = await run([*PG_CTL, action], 90)
    assert code == 0, f"pg_ctlcluster {action} failed ({code}): {output}"
    return time.monotonic() - began


async def ensure_postgres_up(seconds: float = 60) -> None:
    """The cluster accepts connections again (started if it is down), within `seconds`."""
    if not await postgres_ready():
        await run([*PG_CTL, "start"], seconds)
    await eventually(postgres_ready, "accepting connections", seconds, 0.2)


class TableLocks:
    """Table locks the test holds in a transaction of its own (to stop a process at a chosen
    point of its work), and the lock requests of other sessions that wait on them."""

    def __init__(self, database: str) -> None:
        self._engine = create_async_engine(stack.postgres_url(database))
        self._holder: AsyncConnection | None = None

    async def hold(self, tables: Sequence[str], mode: str) -> None:
        assert self._holder is None, "already holding locks"
        self._holder = await self._engine.connect()
        await self._holder.execute(text(f"LOCK TABLE {', '.join(tables)} IN {mode} MODE"))

    async def release(self) -> None:
        if self._holder is not None:
            holder, self._holder = self._holder, None
            await holder.commit()
            await holder.close()

    async def waiting(self, tables: Sequence[str]) -> tuple[int, int]:
        """Waiting lock requests of this database: on `tables`, and on any lock at all."""
        names = ", ".join(f"'{table}'::regclass" for table in tables)
        async with self._engine.connect() as connection:
            result = await connection.execute(
                text(
                    f"SELECT count(*) FILTER (WHERE l.relation IN ({names})), count(*) "
                    "FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE NOT l.granted AND d.datname = current_database()"
                )
            )
            on_tables, on_anything = result.one()
        return int(on_tables), int(on_anything)

    async def aclose(self) -> None:
        try:
            await self.release()
        finally:
            await self._engine.dispose()


@asynccontextmanager
async def table_locks(database: str) -> AsyncIterator[TableLocks]:
    locks = TableLocks(database)
    try:
        yield locks
    finally:
        await locks.aclose()


# A cluster: one database, one Redis, one sandbox, servers and workers.


@dataclass
class Cluster:
    name: str
    folder: Path
    database: str
    redis: Redis
    sandbox: Sandbox
    servers: dict[str, Server] = field(default_factory=dict)
    workers: dict[str, Worker] = field(default_factory=dict)
    closed: bool = False

    @property
    def database_url(self) -> str:
        return stack.postgres_url(self.database)

    def env(self) -> dict[str, str]:
        """What every `trex serve` and `trex worker` of the cluster runs with."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TREX_")}
        for name in _OWN_VARIABLES:
            env.pop(name, None)
        return {
            **env,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "HOST": "127.0.0.1",
            "TREX_INPROCESS_WORKERS": "0",
            "TREX_SANDBOX_URL": self.sandbox.base_url,
            "TREX_RELAY_POLL_S": "0.5",
            "TREX_RELAY_LEASE_S": "3",
            "TREX_SERVICE_TIMEOUT_S": "1",
            "TREX_BREAKER_RESET_S": "1",
            **stack.UNREFUSING_LIMITS,
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    def processes(self) -> list[Process]:
        return [self.redis, self.sandbox, *self.servers.values(), *self.workers.values()]

    def add_server(self, name: str) -> Server:
        server = Server(name, self.env(), self.folder / f"server-{name}.log", free_port())
        self.servers[name] = server
        return server

    def add_worker(self, name: str) -> Worker:
        worker = Worker(name, self.env(), self.folder / f"worker-{name}.log")
        self.workers[name] = worker
        return worker

    async def start(self, processes: Iterable[Process], seconds: float = STARTUP_SECONDS) -> None:
        """Start processes together; wait until each is ready."""
        started = list(processes)
        for process in started:
            process.spawn()
        began = time.monotonic()
        waits = [asyncio.create_task(process.wait_ready(seconds)) for process in started]
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_EXCEPTION)
        for wait in pending:
            wait.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for wait in done:
            wait.result()
        names = ", ".join(process.name for process in started)
        measured(f"{self.name}: {names} started together → ready", time.monotonic() - began)

    def logs(self) -> str:
        parts = [f"--- {p.name} ({p.log}) ---\n{p.tail()}" for p in self.processes()]
        return "\n".join(parts)

    async def aclose(self) -> None:
        """Every process of the cluster gone, whatever state the test left it in."""
        errors: list[BaseException] = []
        trex = [*self.servers.values(), *self.workers.values()]
        for stage in (trex, [self.sandbox, self.redis]):  # the services last
            results = await asyncio.gather(
                *(process.terminate(seconds=TEARDOWN_GRACE_S) for process in stage),
                return_exceptions=True,
            )
            errors += [r for r in results if isinstance(r, BaseException)]
        for process in [*trex, self.sandbox]:
            if isinstance(process, HttpProcess):
                await process.aclose()
        self.closed = True
        if errors:
            raise errors[0]


@asynccontextmanager
async def bare_cluster(name: str, folder: Path) -> AsyncIterator[Cluster]:
    """A fresh database, a private Redis and a sandbox, ready; no server or worker yet.

    Every process is stopped and the database dropped on the way out, whatever happened."""
    ACTIVE[:] = [cluster for cluster in ACTIVE if not cluster.closed]
    await ensure_postgres_up()
    database = await create_database()
    env = {**os.environ, "TREX_SANDBOX_LATENCY_SCALE": "0.05", "PYTHONUNBUFFERED": "1"}
    env.pop("TREX_SANDBOX_FAULTS", None)
    cluster = Cluster(
        name,
        folder,
        database,
        Redis(folder / "redis.log", free_port()),
        Sandbox(env, folder / "sandbox.log", free_port()),
    )
    ACTIVE.append(cluster)
    try:
        await cluster.start([cluster.redis, cluster.sandbox])
        yield cluster
    finally:
        try:
            await cluster.aclose()
        finally:
            await drop_database(database)


@asynccontextmanager
async def running_cluster(
    name: str, folder: Path, servers: Sequence[str] = ("a",), workers: Sequence[str] = ("w1",)
) -> AsyncIterator[Cluster]:
    """A bare cluster, then its servers and workers started together (as a deploy does: they
    migrate and seed the fresh database among themselves), all ready."""
    async with bare_cluster(name, folder) as cluster:
        processes: list[Process] = [cluster.add_server(server) for server in servers]
        processes += [cluster.add_worker(worker) for worker in workers]
        await cluster.start(processes)
        yield cluster
