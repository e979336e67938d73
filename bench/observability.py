"""(i) What tracing costs: transitions per second with traces sampled and exported over OTLP
against the same server with tracing off (metrics are on in both: they always are).

    .venv/bin/python -m bench.observability [--seconds 8] [--visitors 32] [--ratio 0.1]

Two `trex serve` side by side on fresh SQLite files, identical but for `OTEL_*`: the traced one
samples `--ratio` of the traces (parent-based) and exports them with the OTLP/HTTP exporter to a
collector stand-in on loopback (`OtlpSink`: it reads each export and answers 200, as a
collector does, so the exporter's serialisation and sending are all paid). REST and GraphQL
alternate between the two in `slices` stretches, each going first every other time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from bench import protocols
from bench.harness import sqlite_server
from bench.protocols import PROTOCOLS
from tests.support.loopback import free_port


class OtlpSink:
    """A collector stand-in: HTTP/1.1 keep-alive, every request read whole and answered 200."""

    def __init__(self) -> None:
        self.exports = 0
        self.bytes = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                self.bytes += len(await reader.readexactly(length))
                self.exports += 1
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def otlp_sink() -> AsyncIterator[tuple[str, OtlpSink]]:
    sink, port = OtlpSink(), free_port()
    server = await asyncio.start_server(sink.serve, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}", sink
    finally:
        server.close()


async def compare(
    folder: Path, visitors: int, seconds: float, slices: int, ratio: float
) -> dict[str, Any]:
    async with AsyncExitStack() as stack:
        endpoint, sink = await stack.enter_async_context(otlp_sink())
        tracing = {
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": str(ratio),
        }
        traced = await stack.enter_async_context(sqlite_server(folder, "traced", None, **tracing))
        off = await stack.enter_async_context(sqlite_server(folder, "untraced", None))
        merged = await protocols.alternating(
            {
                "traced": (traced.urls, traced.server_pids),
                "off": (off.urls, off.server_pids),
            },
            visitors,
            seconds,
            slices,
        )
        result: dict[str, Any] = {"ratio": ratio, "exports": sink.exports, "bytes": sink.bytes}
        for protocol in PROTOCOLS:
            on, without = merged["traced"][protocol], merged["off"][protocol]
            share = on["per_second"] / max(without["per_second"], 1e-9)
            result[protocol] = {"traced": on, "off": without, "ratio": share}
        return result


def line(result: dict[str, Any]) -> str:
    parts = []
    for protocol in PROTOCOLS:
        pair = result[protocol]
        parts.append(
            f"{protocol} {pair['traced']['per_second']:.0f} vs {pair['off']['per_second']:.0f} "
            f"tr/s ({pair['ratio']:.2f}×)"
        )
    sent = f"{result['exports']} exports, {result['bytes'] / 1024:.0f} KiB"
    return (
        f"traces sampled {result['ratio']:.0%} over OTLP / off: " + ", ".join(parts) + f"; {sent}"
    )


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per protocol and server")
    parser.add_argument("--visitors", type=int, default=32)
    parser.add_argument("--slices", type=int, default=4)
    parser.add_argument("--ratio", type=float, default=0.1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trex-traces-") as scratch:
        result = asyncio.run(
            compare(Path(scratch), args.visitors, args.seconds, args.slices, args.ratio)
        )
    print(line(result))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
