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
alternate in `slices` stretches (`seconds` per protocol in all). Half of them run with the traced
server started (and warmed up) first, half with it started second: of two identical servers,
the one started first used 2–5% more CPU per transition, and one order alone would count that
as tracing's (the line shows the two halves apart). Each ratio is reported three
ways: throughput over all its stretches; the median of the stretch-by-stretch ratios; and the
server's CPU per transition (which other load moves least). A control pair, both untraced, shows
what this machine's noise alone makes of "the same". The collector stand-in decodes what it
receives and counts the traces (spans without a parent) and spans each ratio's server sent.
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

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from bench.harness import sqlite_server
from bench.protocols import PROTOCOLS, Tally, Used, load_stretch, merge_stretches, warm_up
from tests.support.loopback import free_port

OFF = "off"
CONTROL = "control"
RATIOS = (0.0, 0.1, 1.0)


class OtlpSink:
    """A collector stand-in: HTTP/1.1 keep-alive, every request read whole and answered 200.

    Each export is decoded, and its spans and traces counted (a trace: a span without a parent,
    here the server span of a request that was kept): what a sampled request costs the exporter,
    and whether the share sampled is the ratio's."""

    def __init__(self) -> None:
        self.exports = 0
        self.bytes = 0
        self.spans = 0
        self.traces = 0

    def counts(self) -> dict[str, int]:
        return {
            "exports": self.exports,
            "bytes": self.bytes,
            "spans": self.spans,
            "traces": self.traces,
        }

    def _count(self, body: bytes) -> None:
        export = ExportTraceServiceRequest.FromString(body)
        for resource in export.resource_spans:
            for scope in resource.scope_spans:
                self.spans += len(scope.spans)
                self.traces += sum(1 for span in scope.spans if not span.parent_span_id)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                self.bytes += len(body)
                self.exports += 1
                self._count(body)
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
        runs: dict[str, dict[str, list[tuple[Stretch, Stretch]]]] = {}
        exported: dict[str, dict[str, int]] = {}
        by_order: dict[str, dict[str, dict[str, float]]] = {}
        for ratio in ratios:
            before = sink.counts()
            env = tracing_env(endpoint, ratio)
            # Half the time with the traced server started first, half with it started second:
            # the server started first of a pair uses more CPU per transition (the control pair
            # showed +2% to +5% whichever the server), which one order alone counts as tracing's.
            halves = [
                await _pair(folder, env, visitors, seconds / 2, max(1, slices // 2), first)
                for first in (True, False)
            ]
            runs[label(ratio)] = {p: halves[0][p] + halves[1][p] for p in PROTOCOLS}
            by_order[label(ratio)] = {
                order: {p: _against_off(p, visitors, half[p])["cpu_ratio"] for p in PROTOCOLS}
                for order, half in zip(("traced_first", "traced_second"), halves, strict=True)
            }
            # The pair has stopped: the traced server's last spans went out at its shutdown.
            exported[label(ratio)] = {k: v - before[k] for k, v in sink.counts().items()}
        result: dict[str, Any] = {
            "visitors": visitors,
            "seconds": seconds,
            "slices": slices,
            "exports": sink.exports,
            "bytes": sink.bytes,
            "rates": {},
            "exported": exported,
            "cpu_ratio_by_start_order": by_order,
        }
        for name, by_protocol in runs.items():
            result["rates"][name] = {
                protocol: _against_off(protocol, visitors, pairs)
                for protocol, pairs in by_protocol.items()
            }
        return result


async def _pair(
    folder: Path,
    env: dict[str, str],
    visitors: int,
    seconds: float,
    slices: int,
    traced_first: bool = True,
) -> dict[str, list[tuple[Stretch, Stretch]]]:
    """A server with `env` beside one without, on fresh databases that grow alike: the same load
    at the same moment (a core each on two), so that what else the machine does weighs on both
    alike; the protocols alternate in `slices` stretches. `traced_first`: which of the two is
    started (and warmed up) first."""
    async with AsyncExitStack() as stack:
        order = [("traced", env), ("untraced", {})]
        started = {
            name: await stack.enter_async_context(sqlite_server(folder, name, None, **extra))
            for name, extra in (order if traced_first else order[::-1])
        }
        pair = [started["traced"], started["untraced"]]
        for server in started.values():
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
        orders = result.get("cpu_ratio_by_start_order", {}).get(name, {})
        for protocol, pair in protocols.items():
            halves = "/".join(f"{orders[o][protocol] - 1:+.0%}" for o in orders)
            parts.append(
                f"{protocol} {pair['traced']['per_second']:.0f} vs {pair['off']['per_second']:.0f}"
                f" tr/s ({pair['ratio']:.2f}×, stretch by stretch {pair['paired_median']:.2f}×,"
                f" CPU per transition {pair['cpu_ratio'] - 1:+.0%}"
                + (f", started first/second {halves})" if halves else ")")
            )
        what = "untraced control" if name == CONTROL else f"traces sampled {name} over OTLP"
        sent = result.get("exported", {}).get(name)
        if sent and name != CONTROL:
            # Every session is a start and then the transitions timed: requests ≈ 4/3 of those.
            moved = sum(
                pair["traced"]["per_second"] * pair["traced"]["elapsed_s"]
                for pair in protocols.values()
            )
            share = sent["traces"] / max(moved * 4 / 3, 1)
            spans = sent["spans"] / max(sent["traces"], 1)
            parts.append(
                f"{sent['traces']} traces ({share:.1%} of the requests, warm-ups counted),"
                f" {spans:.1f} spans each"
            )
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
