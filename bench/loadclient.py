"""A tiny HTTP/1.1 keep-alive client over asyncio streams, for the load loops.

httpx spends about as much CPU per request as the server does, and on a 2-core machine the load
generator and the server share the cores; this client does one write and two reads per request
(the head up to the blank line, then exactly the body), with orjson. It speaks just enough
HTTP/1.1 for a JSON API on loopback: a request with a body of known length, a response with
`content-length` or `transfer-encoding: chunked`, keep-alive unless the server says `close`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson

HEAD_LIMIT = 64 * 1024


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 this client understands."""


@dataclass(frozen=True, slots=True)
class Head:
    status: int
    content_length: int | None
    chunked: bool
    close: bool


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


def parse_head(head: bytes) -> Head:
    """The status line and the headers that frame the body (up to and including the blank line)."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError(f"not an HTTP/1.x status line: {lines[0]!r}")
    length: int | None = None
    chunked = False
    close = parts[0] == b"HTTP/1.0"
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            token = value.strip().lower()
            close = token == b"close" or (close and token != b"keep-alive")
    return Head(int(parts[1]), length, chunked, close)


def split_url(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


class Connection:
    """One keep-alive connection to one server; one request at a time."""

    def __init__(self, url: str, timeout: float | None = 30.0) -> None:
        self.host, self.port = split_url(url)
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._host_header = f"host: {self.host}:{self.port}\r\n".encode()

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def post(
        self, path: str, payload: object, token: str | None = None, key: str | None = None
    ) -> Response:
        """POST `payload` as JSON, with `authorization: Bearer token` when given."""
        extra = b""
        if token is not None:
            extra += b"authorization: Bearer " + token.encode() + b"\r\n"
        if key is not None:
            extra += b"idempotency-key: " + key.encode() + b"\r\n"
        return await self.request("POST", path, orjson.dumps(payload), extra)

    async def get(self, path: str) -> Response:
        return await self.request("GET", path, None, b"")

    async def request(
        self,
        method: str,
        path: str,
        body: bytes | None,
        extra_headers: bytes | Mapping[str, str] = b"",
    ) -> Response:
        if isinstance(extra_headers, Mapping):
            extra_headers = "".join(f"{k}: {v}\r\n" for k, v in extra_headers.items()).encode()
        message = f"{method} {path} HTTP/1.1\r\n".encode() + self._host_header + extra_headers
        if body is not None:
            message += b"content-type: application/json\r\ncontent-length: "
            message += str(len(body)).encode() + b"\r\n\r\n" + body
        else:
            message += b"\r\n"
        if self.timeout is None:
            return await self._send(message)
        async with asyncio.timeout(self.timeout):
            return await self._send(message)

    async def _send(self, message: bytes) -> Response:
        reused = self._writer is not None
        try:
            return await self._exchange(message)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            # A keep-alive connection the server closed while idle: nothing was answered on
            # it, so sending the request again on a new connection is safe.
            partial = isinstance(error, asyncio.IncompleteReadError) and error.partial
            await self.close()
            if not reused or partial:
                raise
            return await self._exchange(message)

    async def _exchange(self, message: bytes) -> Response:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(
                self.host, self.port, limit=HEAD_LIMIT
            )
        reader, writer = self._reader, self._writer
        assert reader is not None
        writer.write(message)
        head = parse_head(await reader.readuntil(b"\r\n\r\n"))
        if head.chunked:
            body = await _read_chunked(reader)
        elif head.content_length is not None:
            body = await reader.readexactly(head.content_length)
        elif head.close:
            body = await reader.read()
        else:
            body = b""
        if head.close:
            await self.close()
        return Response(head.status, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def ready(url: str) -> bool:
    """The server at `url` answers `/readyz` with 200 (within 2 s)."""
    try:
        async with Connection(url, timeout=2) as http:
            return (await http.get("/readyz")).status == 200
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ProtocolError):
        return False
