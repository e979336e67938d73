"""A private redis-server for the bus tests, on a free loopback port, that a test may kill and
restart on the same port. The shared Redis on 6379 is never touched.

The other `test_bus_*` modules import `RedisServer` from here; the tests below prove the helper.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

NOTHING_SAVED = ("--save", "", "--appendonly", "no", "--daemonize", "no")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, seconds: float = 5.0) -> None:
        """Start on `self.port` and return once it answers PING."""
        binary = shutil.which("redis-server") or "redis-server"
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", *NOTHING_SAVED],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + seconds
        while not self._answers():
            if time.monotonic() > deadline or not self.running:
                self.kill()
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.01)

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

    def _signal(self, number: signal.Signals) -> None:
        if self._process is None:
            raise RuntimeError("redis-server is not running")
        self._process.send_signal(number)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return done.stdout.strip()

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as link:
                link.sendall(b"PING\r\n")
                return link.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.kill()


def test_the_private_server_answers_on_its_own_port(redis_server: RedisServer) -> None:
    assert redis_server.port != 6379
    assert redis_server.cli("PING") == "PONG"


def test_the_private_server_restarts_on_the_same_port(redis_server: RedisServer) -> None:
    redis_server.cli("SET", "k", "v")
    redis_server.kill()
    assert not redis_server.running
    redis_server.start()
    assert redis_server.cli("GET", "k") == ""  # nothing saved: a fresh Redis, as after a crash
