"""A light graphql-transport-ws subscriber on a raw asyncio protocol, for many connections.

Ten thousand `websockets` clients in one Python process cost the load generator more CPU than
the server spends pushing to them; this one parses frames in `data_received` and stamps each
`next` message with the moment its bytes reached the process (`time.perf_counter()` and
`time.time()`), before any JSON decoding. It does what the bench needs and no more: the
upgrade, `connection_init` with the session token, one subscription, pong to pings, close.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from bench.loadclient import split_url

SUBPROTOCOL = "graphql-transport-ws"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


@dataclass(frozen=True, slots=True)
class Arrival:
    """A `next` message's payload and when its bytes arrived."""

    perf: float
    wall: float
    payload: dict[str, Any]


def encode_frame(opcode: int, payload: bytes, mask: bytes | None = None) -> bytes:
    """A client frame (masked, as RFC 6455 requires of clients), FIN set."""
    mask = os.urandom(4) if mask is None else mask
    size = len(payload)
    if size < 126:
        head = bytes((0x80 | opcode, 0x80 | size))
    elif size < 1 << 16:
        head = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    if not size:
        return head + mask
    repeated = (mask * (size // 4 + 1))[:size]
    masked = int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")
    return head + mask + masked.to_bytes(size, "big")


def decode_frames(buffer: bytearray) -> list[tuple[int, bytes]]:
    """Complete (opcode, payload) frames at the start of `buffer`, removed from it; a partial
    frame stays. Server frames are unmasked; fragments are not used by the servers here."""
    frames: list[tuple[int, bytes]] = []
    offset = 0
    while len(buffer) - offset >= 2:
        first, second = buffer[offset], buffer[offset + 1]
        size, start = second & 0x7F, offset + 2
        if size == 126:
            if len(buffer) - start < 2:
                break
            size, start = int.from_bytes(buffer[start : start + 2], "big"), start + 2
        elif size == 127:
            if len(buffer) - start < 8:
                break
            size, start = int.from_bytes(buffer[start : start + 8], "big"), start + 8
        mask = b""
        if second & 0x80:
            mask, start = bytes(buffer[start : start + 4]), start + 4
        if len(buffer) < start + size:
            break
        payload = bytes(buffer[start : start + size])
        if mask:
            repeated = (mask * (size // 4 + 1))[:size]
            payload = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
                size, "big"
            )
        frames.append((first & 0x0F, payload))
        offset = start + size
    del buffer[:offset]
    return frames


class Subscriber(asyncio.Protocol):
    """One websocket, one `subscribe`; every `next` goes to `on_next` (or `arrivals`)."""

    def __init__(
        self,
        host: str,
        port: int,
        token: str,
        query: str,
        variables: dict[str, Any],
        on_next: Callable[[Subscriber, Arrival], None] | None = None,
        path: str = "/graphql",
    ) -> None:
        loop = asyncio.get_running_loop()
        self._request = (
            f"GET {path} HTTP/1.1\r\nhost: {host}:{port}\r\nupgrade: websocket\r\n"
            "connection: Upgrade\r\nsec-websocket-version: 13\r\n"
            f"sec-websocket-key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            f"sec-websocket-protocol: {SUBPROTOCOL}\r\n\r\n"
        ).encode()
        self._init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        self._subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": query, "variables": variables},
        }
        self._on_next = on_next
        self._buffer = bytearray()
        self._upgraded = False
        self.transport: asyncio.Transport | None = None
        self.acked: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.arrivals: list[Arrival] = []
        self.errors: list[Any] = []

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        perf, wall = time.perf_counter(), time.time()
        self._buffer += data
        if not self._upgraded:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(self._buffer[: self._buffer.find(b"\r\n")])
            del self._buffer[: end + 4]
            if b" 101 " not in status + b" ":
                self._fail(ConnectionError(f"upgrade refused: {status!r}"))
                return
            self._upgraded = True
            self._send(self._init)
        for opcode, payload in decode_frames(self._buffer):
            if opcode == TEXT:
                self._message(orjson.loads(payload), perf, wall)
            elif opcode == PING:
                self._write(PONG, payload)
            elif opcode == CLOSE:
                self._fail(ConnectionError(f"closed by the server: {payload[:2].hex()}"))
                self._write(CLOSE, payload[:2])
                if self.transport is not None:
                    self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or ConnectionError("connection lost"))
        if not self.closed.done():
            self.closed.set_result(None)

    # the protocol

    def _message(self, message: dict[str, Any], perf: float, wall: float) -> None:
        kind = message.get("type")
        if kind == "next":
            arrival = Arrival(perf, wall, message.get("payload") or {})
            if self._on_next is None:
                self.arrivals.append(arrival)
            else:
                self._on_next(self, arrival)
        elif kind == "connection_ack":
            self._send(self._subscribe)
            if not self.acked.done():
                self.acked.set_result(None)
        elif kind == "ping":
            self._send({"type": "pong"})
        elif kind == "error":
            self.errors.append(message.get("payload"))
        elif kind == "complete":
            self.errors.append("complete")

    def _send(self, message: dict[str, Any]) -> None:
        self._write(TEXT, orjson.dumps(message))

    def _write(self, opcode: int, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(opcode, payload))

    def _fail(self, error: BaseException) -> None:
        if not self.acked.done():
            self.acked.set_exception(error)
            self.acked.exception()  # retrieved: no "never retrieved" warning if unawaited

    def close(self) -> None:
        """Say goodbye (close code 1000) and close the socket."""
        self._write(CLOSE, (1000).to_bytes(2, "big"))
        if self.transport is not None:
            self.transport.close()


async def subscribe(
    url: str,
    token: str,
    query: str,
    variables: dict[str, Any],
    on_next: Callable[[Subscriber, Arrival], None] | None = None,
    seconds: float = 30,
) -> Subscriber:
    """A subscriber whose `connection_ack` arrived and whose `subscribe` is sent (within
    `seconds`)."""
    host, port = split_url(url)
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(seconds):
        _, protocol = await loop.create_connection(
            lambda: Subscriber(host, port, token, query, variables, on_next), host, port
        )
        await protocol.acked
    return protocol
