"""A webhook receiver on a loopback port, as a host site would run one: a real HTTP server (the
standard library's, in a thread) that verifies each request with the `standardwebhooks` library
and keeps the ids it has seen, so a message sent twice is applied once.

Tests script its answers (`answers`: status codes to give, in order, then 200), hold a request
open for a while (`hold_first_seconds`), and read what arrived."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support.loopback import free_port


@dataclass
class Arrival:
    message_id: str
    answered: int
    verified_by: list[str]  # which of the receiver's secrets verified it
    payload: dict[str, Any] | None
    signatures: int


@dataclass
class Receiver:
    port: int
    secrets: list[str] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    hold_first_seconds: float = 0.0
    arrivals: list[Arrival] = field(default_factory=list)
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)  # by webhook-id: once each
    lock: threading.Lock = field(default_factory=threading.Lock)
    _held: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/trex"

    def answer_for(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else 200

    @property
    def holding(self) -> bool:
        """The first request has come and is being held."""
        with self.lock:
            return self._held

    def hold(self) -> float:
        with self.lock:
            if self._held or not self.hold_first_seconds:
                return 0.0
            self._held = True
            return self.hold_first_seconds

    def receive(self, body: bytes, headers: dict[str, str]) -> int:
        verified_by = []
        payload: dict[str, Any] | None = None
        for secret in list(self.secrets):
            try:
                payload = Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            verified_by.append(secret)
        answered = self.answer_for() if verified_by else 400
        message_id = headers.get("webhook-id", "")
        signatures = len(headers.get("webhook-signature", "").split())
        with self.lock:
            self.arrivals.append(Arrival(message_id, answered, verified_by, payload, signatures))
            if 200 <= answered < 300 and payload is not None:
                self.applied.setdefault(message_id, payload)  # the dedupe a receiver does
        return answered

    def statuses(self) -> list[str]:
        with self.lock:
            return sorted(str(p["data"]["status"]) for p in self.applied.values())


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            held = receiver.hold()
            if held:
                time.sleep(held)  # the sender may die meanwhile; the message still counts
            code = receiver.receive(body, headers)
            self.send_response(code)
            self.send_header("content-length", "2")
            self.end_headers()
            with contextlib.suppress(OSError):  # the sender may be gone
                self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def running_receiver(secrets: list[str] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(free_port(), list(secrets or []))
    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), _handler(receiver))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
