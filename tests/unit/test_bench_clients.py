"""The bench's load clients against tiny real servers on loopback: the HTTP/1.1 keep-alive
client, and the credit proxy that notes when a bureau answer passes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from bench.loadclient import Connection, ProtocolError, parse_head
from bench.push import CreditProxy

Answer = Callable[[bytes, bytes], bytes]  # (request head, body) → raw response


def test_heads_frame_their_bodies() -> None:
    head = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nServer: x\r\n\r\n")
    assert (head.status, head.content_length, head.chunked, head.close) == (200, 12, False, False)
    chunked = parse_head(b"HTTP/1.1 500 Oops\r\ntransfer-encoding: chunked\r\n\r\n")
    assert (chunked.status, chunked.chunked) == (500, True)
    assert parse_head(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").close
    assert parse_head(b"HTTP/1.0 200 OK\r\n\r\n").close
    assert not parse_head(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n").close
    with pytest.raises(ProtocolError):
        parse_head(b"SSH-2.0-OpenSSH\r\n\r\n")


class TinyServer:
    """Answers each request with `answer(head, body)`; counts connections and requests."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self.url = ""
        self.close_after_each = False

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                self.requests.append(head + body)
                writer.write(self.answer(head, body))
                await writer.drain()
                if self.close_after_each:
                    break
        except asyncio.IncompleteReadError:
            pass
        finally:
            writer.close()


@pytest.fixture
async def tiny() -> AsyncIterator[TinyServer]:
    def answer(head: bytes, body: bytes) -> bytes:
        if head.startswith(b"GET /chunked"):
            head_part = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            return head_part + b'3\r\n{"a\r\n5\r\n": 1}\r\n0\r\n\r\n'
        reply = b'{"echo": ' + (body or b"null") + b"}"
        return b"HTTP/1.1 201 Created\r\ncontent-length: %d\r\n\r\n%s" % (len(reply), reply)

    server = TinyServer(answer)
    listener = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    server.url = f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
    yield server
    listener.close()
    await listener.wait_closed()


async def test_requests_share_one_keep_alive_connection(tiny: TinyServer) -> None:
    async with Connection(tiny.url) as http:
        first = await http.post("/api/x", {"n": 1}, token="tok")
        second = await http.post("/api/x", {"n": 2})
        chunked = await http.get("/chunked")
    assert first.status == 201
    assert first.json() == {"echo": {"n": 1}}
    assert second.json() == {"echo": {"n": 2}}
    assert chunked.json() == {"a": 1}
    assert tiny.connections == 1
    assert b"authorization: Bearer tok\r\n" in tiny.requests[0]
    assert b"authorization" not in tiny.requests[1]
    assert b"content-length: 7\r\n" in tiny.requests[0]


async def test_a_connection_the_server_closed_is_opened_again(tiny: TinyServer) -> None:
    tiny.close_after_each = True
    async with Connection(tiny.url) as http:
        for n in range(3):
            assert (await http.post("/api/x", n)).json() == {"echo": n}
            await asyncio.sleep(0.05)  # the server's close reaches the client
    assert tiny.connections == 3
    assert len(tiny.requests) == 3


async def test_the_proxy_passes_everything_and_notes_credit_answers(tiny: TinyServer) -> None:
    proxy = CreditProxy(tiny.url)
    await proxy.start()
    try:
        async with Connection(proxy.url) as http:
            other = await http.post("/sandbox/lead-crm/leads", {"x": 1}, key="s1:lead")
            credit = await http.post(
                "/sandbox/credit-bureau/checks", {"ssn": "1"}, key="session-7:credit"
            )
    finally:
        await proxy.close()
    assert other.json() == {"echo": {"x": 1}}
    assert credit.status == 201  # passed through as is; only 200s are decisions
    assert proxy.stamps == {}
    assert len(tiny.requests) == 2


async def test_the_proxy_stamps_a_decision_by_session() -> None:
    def decide(head: bytes, body: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"

    upstream = TinyServer(decide)
    listener = await asyncio.start_server(upstream.serve, "127.0.0.1", 0)
    proxy = CreditProxy(f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}")
    await proxy.start()
    loop = asyncio.get_running_loop()
    try:
        before = loop.time()
        async with Connection(proxy.url) as http:
            answer = await http.post(
                "/sandbox/credit-bureau/checks", {"ssn": "1"}, key="session-7:credit"
            )
    finally:
        await proxy.close()
        listener.close()
        await listener.wait_closed()
    assert answer.json() == {}
    assert list(proxy.stamps) == ["session-7"]
    assert proxy.stamps["session-7"][0] >= before
