"""Loopback ports for the servers the tests and the benchmarks start."""

from __future__ import annotations

import asyncio
import contextlib
import socket


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; the caller binds it soon after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def accepts(port: int) -> bool:
    """Something accepts TCP connections on loopback `port`."""
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True
