"""(i) What tracing costs: transitions per second with traces sampled and exported over OTLP
against the same server with tracing off (metrics and logs are on in all: they always are).

    .venv/bin/python -m bench.observability [--seconds 8] [--slices 8] [--visitors 32]
        [--ratios 0,0.1,1] [--no-control]

For each sampling ratio a pair of `trex serve` on fresh SQLite files, identical but for
`OTEL_*`: one samples that ratio of the traces (parent-based) and exports them with the OTLP/HTTP
exporter to a collector stand-in on loopback (`OtlpSink`: it reads each export and answers 200,
as a collector does, so the exporter's serialisation and sending are all paid), the other has
tracing off. The two get the same load at the same moment (a core each), so that whatever else
the machine does weighs on both alike and their databases grow alike; REST and GraphQL
alternate in `slices` stretches (`seconds` per protocol in all). Each ratio is reported three
ways: throughput over all its stretches; the median of the stretch-by-stretch ratios; and the
server's CPU per transition (which other load moves least). A control pair, both untraced, shows
what this machine's noise alone makes of "the same".
Writes var/bench/observability.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from bench.harness import sqlite_server
from bench.protocols import PROTOCOLS, Tally, Used, load_stretch, merge_stretches, warm_up
from tests.support.loopback import free_port

OFF = "off"
CONTROL = "control"
RATIOS = (0.0, 0.1, 1.0)


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


Stretch = tuple[Tally, Used]


def tracing_env(endpoint: str, ratio: float | None) -> dict[str, str]:
    """The traced server's `OTEL_*` variables; none for the control (`ratio` None)."""
    if ratio is None:
        return {}
    return {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": str(ratio),
    }


def label(ratio: float | None) -> str:
    return CONTROL if ratio is None else f"{ratio:.0%}"


async def compare(
    folder: Path,
    visitors: int,
    seconds: float,
    slices: int,
    ratios: tuple[float | None, ...] = (*RATIOS, None),
) -> dict[str, Any]:
    """Each of `ratios` against tracing off; None, a second untraced server: the control, whose
    ratio shows what this machine's noise alone makes of "the same"."""
    async with otlp_sink() as (endpoint, sink):
        runs = {
            label(ratio): await _pair(
                folder, tracing_env(endpoint, ratio), visitors, seconds, slices
            )
            for ratio in ratios
        }
        result: dict[str, Any] = {
            "visitors": visitors,
            "seconds": seconds,
            "slices": slices,
            "exports": sink.exports,
            "bytes": sink.bytes,
            "rates": {},
        }
        for name, by_protocol in runs.items():
            result["rates"][name] = {
                protocol: _against_off(protocol, visitors, pairs)
                for protocol, pairs in by_protocol.items()
            }
        return result


async def _pair(
    folder: Path, env: dict[str, str], visitors: int, seconds: float, slices: int
) -> dict[str, list[tuple[Stretch, Stretch]]]:
    """A server with `env` beside one without, on fresh databases that grow alike: the same load
    at the same moment (a core each on two), so that what else the machine does weighs on both
    alike; the protocols alternate in `slices` stretches."""
    async with AsyncExitStack() as stack:
        pair = [
            await stack.enter_async_context(sqlite_server(folder, name, None, **extra))
            for name, extra in (("traced", env), ("untraced", {}))
        ]
        for server in pair:
            await warm_up(server.urls)
        runs: dict[str, list[tuple[Stretch, Stretch]]] = {protocol: [] for protocol in PROTOCOLS}
        for turn in range(slices):
            for protocol in PROTOCOLS:
                first = pair if turn % 2 == 0 else pair[::-1]  # whose visitors start first
                stretches = await asyncio.gather(
                    *(
                        load_stretch(
                            server.urls, protocol, visitors, seconds / slices, server.server_pids
                        )
                        for server in first
                    )
                )
                traced, off = stretches if turn % 2 == 0 else stretches[::-1]
                runs[protocol].append((traced, off))
        return runs


def _against_off(
    protocol: str, visitors: int, pairs: list[tuple[Stretch, Stretch]]
) -> dict[str, Any]:
    on = merge_stretches(["traced"], protocol, visitors, [traced for traced, _ in pairs])
    without = merge_stretches(["untraced"], protocol, visitors, [off for _, off in pairs])

    def rate(stretch: Stretch) -> float:
        return len(stretch[0].timings) / stretch[1]["elapsed_s"]

    paired = [rate(traced) / max(rate(off), 1e-9) for traced, off in pairs]

    def cpu_ms(numbers: dict[str, Any]) -> float:
        return 1000 * float(numbers["server_cpu"]) / max(float(numbers["per_second"]), 1e-9)

    return {
        "traced": on,
        "off": without,
        "ratio": on["per_second"] / max(without["per_second"], 1e-9),
        "paired_median": statistics.median(paired),
        "paired": paired,
        "cpu_ms_per_transition": {"traced": cpu_ms(on), "off": cpu_ms(without)},
        "cpu_ratio": cpu_ms(on) / max(cpu_ms(without), 1e-9),
    }


def line(result: dict[str, Any]) -> str:
    lines = []
    for name, protocols in result["rates"].items():
        parts = []
        for protocol, pair in protocols.items():
            parts.append(
                f"{protocol} {pair['traced']['per_second']:.0f} vs {pair['off']['per_second']:.0f}"
                f" tr/s ({pair['ratio']:.2f}×, stretch by stretch {pair['paired_median']:.2f}×,"
                f" CPU per transition {pair['cpu_ratio'] - 1:+.0%})"
            )
        what = "untraced control" if name == CONTROL else f"traces sampled {name} over OTLP"
        lines.append(f"{what} / off: " + ", ".join(parts))
    sent = f"{result['exports']} exports, {result['bytes'] / 1024:.0f} KiB"
    return (
        "\n".join(lines) + f"\n({sent}; {result['visitors']} visitors, {result['slices']} slices)"
    )


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per protocol and server")
    parser.add_argument("--visitors", type=int, default=32)
    parser.add_argument("--slices", type=int, default=8)
    parser.add_argument(
        "--ratios", default=",".join(f"{r:g}" for r in RATIOS), help="sampling ratios, e.g. 0.1"
    )
    parser.add_argument(
        "--no-control", action="store_true", help="without the second untraced server"
    )
    parser.add_argument("--out", type=Path, default=Path("var/bench"))
    args = parser.parse_args()
    sampled = tuple(float(part) for part in args.ratios.split(","))
    if not all(0.0 <= ratio <= 1.0 for ratio in sampled):
        parser.error(f"--ratios {args.ratios}: each a ratio between 0 and 1")
    ratios: tuple[float | None, ...] = sampled if args.no_control else (*sampled, None)
    with tempfile.TemporaryDirectory(prefix="trex-traces-") as scratch:
        result = asyncio.run(
            compare(Path(scratch), args.visitors, args.seconds, args.slices, ratios)
        )
    print(line(result))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "observability.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"Wrote {args.out / 'observability.json'}.")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
