"""Processes the tests and the benchmarks run beside the app: a private redis-server (that a
test may kill, freeze and restart on the same port; the shared Redis on 6379 is never touched)
and psql on the machine's PostgreSQL cluster."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from tests.support.loopback import free_port
from tests.support.waiting import eventually_sync

# Unaligned, tab-separated rows without a header; stop at the first error; no ~/.psqlrc.
_PSQL_OPTIONS = ("-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1")


def redis_argv(port: int) -> list[str]:
    """redis-server on loopback `port`, saving nothing: a restart is a fresh Redis, as after a
    crash, and no file is left behind."""
    binary = shutil.which("redis-server") or "redis-server"
    return [
        *(binary, "--port", str(port), "--bind", "127.0.0.1"),
        *("--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"),
    ]


def redis_url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


def answers_ping(port: int) -> bool:
    """The Redis on `port` answers PING (a blocking probe, for code outside an event loop)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as link:
            link.sendall(b"PING\r\n")
            return link.recv(16).startswith(b"+PONG")
    except OSError:
        return False


async def answers_ping_async(port: int) -> bool:
    """The Redis on `port` answers PING within a second."""
    try:
        async with asyncio.timeout(1):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                writer.write(b"PING\r\n")
                await writer.drain()
                return await reader.readline() == b"+PONG\r\n"
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
    except (OSError, TimeoutError):
        return False


class RedisServer:
    """A private redis-server on a free loopback port, restarted on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = redis_url(self.port)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("redis-server is not running")
        return self._process.pid

    def start(self, seconds: float = 5.0) -> None:
        """Start on `self.port` and return once it answers PING."""
        self._process = subprocess.Popen(
            redis_argv(self.port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            eventually_sync(self._ready, f"redis-server answering on {self.port}", seconds, 0.01)
        except BaseException:
            self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL: Redis dies without closing anything cleanly, as in a crash."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=5)
            self._process = None

    def freeze(self) -> None:
        """SIGSTOP: Redis keeps its connections open and answers nothing, like a hung host."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return done.stdout.strip()

    def _signal(self, number: signal.Signals) -> None:
        if self._process is None:
            raise RuntimeError("redis-server is not running")
        self._process.send_signal(number)

    def _ready(self) -> bool:
        if not self.running:
            raise AssertionError(f"redis-server on port {self.port} exited at start")
        return answers_ping(self.port)


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A started private server, killed on the way out (for fixtures of any scope)."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.kill()


def psql(url: str, sql: str) -> list[list[str]]:
    """Rows of `sql` on the database at `url` (a libpq URL), each a list of column texts."""
    done = subprocess.run(
        ["psql", url, *_PSQL_OPTIONS, "-c", sql], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, f"psql failed ({done.returncode}): {done.stdout}{done.stderr}"
    return _rows(done.stdout)


async def psql_async(url: str, sql: str) -> list[list[str]]:
    """`psql` without blocking the event loop (the processes under test keep running)."""
    code, output = await run(["psql", url, *_PSQL_OPTIONS, "-c", sql], 30)
    assert code == 0, f"psql failed ({code}): {output}"
    return _rows(output)


async def run(argv: Sequence[str], seconds: float = 60) -> tuple[int, str]:
    """Run a command; its exit code and its output (stdout and stderr together). Killed, and
    TimeoutError raised, after `seconds`."""
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        async with asyncio.timeout(seconds):
            output, _ = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return process.returncode or 0, output.decode(errors="replace")


def _rows(output: str) -> list[list[str]]:
    return [line.split("\t") for line in output.splitlines() if line]
