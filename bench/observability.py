"""(i) What tracing costs: transitions per second with traces sampled and exported over OTLP
against the same server with tracing off (metrics and logs are on in all: they always are).

    .venv/bin/python -m bench.observability [--seconds 8] [--slices 8] [--visitors 32]
        [--ratios 0,0.01,0.1,1] [--rounds 2] [--no-control]

For each sampling ratio, `rounds` fresh pairs of `trex serve` on fresh SQLite files, identical
but for `OTEL_*`: one samples that ratio of the traces (parent-based) and exports them with the
OTLP/HTTP exporter to a collector stand-in on loopback (`OtlpSink`: it reads and decodes each
export and answers 200, as a collector does, so the exporter's serialisation and sending are all
paid), the other has tracing off. The two of a pair are loaded one at a time, the protocols in
turn, in the order ABBA, BAAB, … (`seconds` per protocol and server in all), so that a drift of
the machine or of the growing databases weighs on both alike; the load generator runs on one CPU
and the servers on the others; an idle spare server is started before each pair, and every other
round starts the traced server first (see `_pair`). Each ratio is reported three ways:
throughput over all its stretches; the median of the stretch-by-stretch ratios; and the server's
CPU per transition (which the load generator moves least), also round by round. A control pair,
both untraced, shows what this machine's noise alone makes of "the same"; 1% and 10% are also
predicted as the mixture of the 0% and 100% costs. Writes var/bench/observability.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from bench.harness import pinned_sqlite_server
from bench.protocols import PROTOCOLS, Tally, Used, load_stretch, merge_stretches, warm_up
from tests.support.loopback import free_port

OFF = "off"
CONTROL = "control"
RATIOS = (0.0, 0.01, 0.1, 1.0)


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


def _split_cpus() -> tuple[frozenset[int] | None, frozenset[int] | None]:
    """The load generator's CPU and the servers': the first of those this process may use, and
    the rest (None, None: one CPU, or no affinity on this system)."""
    mine = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(mine) < 2:
        return None, None
    return frozenset(mine[:1]), frozenset(mine[1:])


LOAD_CPUS, SERVER_CPUS = _split_cpus()


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
    rounds: int = 2,
) -> dict[str, Any]:
    """Each of `ratios` against tracing off, over `rounds` fresh pairs of servers; None, a second
    untraced server: the control, whose ratio shows what this machine's noise alone makes of
    "the same"."""
    async with otlp_sink() as (endpoint, sink):
        runs: dict[str, dict[str, list[tuple[Stretch, Stretch]]]] = {}
        exported: dict[str, dict[str, int]] = {}
        by_round: dict[str, list[dict[str, float]]] = {}
        for ratio in ratios:
            before = sink.counts()
            env = tracing_env(endpoint, ratio)
            # Every other round with the traced server started first: the spare started before
            # each pair (`_pair`) takes the first-started server's extra CPU, and what is left
            # of it weighs on both alike.
            pairs = [
                await _pair(
                    folder, env, visitors, seconds / rounds, max(1, slices // rounds), n % 2 == 0
                )
                for n in range(rounds)
            ]
            runs[label(ratio)] = {p: [s for pair in pairs for s in pair[p]] for p in PROTOCOLS}
            by_round[label(ratio)] = [
                {p: _against_off(p, visitors, pair[p])["cpu_ratio"] for p in PROTOCOLS}
                for pair in pairs
            ]
            # The pairs have stopped: the traced servers' last spans went out at their shutdown.
            exported[label(ratio)] = {k: v - before[k] for k, v in sink.counts().items()}
        result: dict[str, Any] = {
            "visitors": visitors,
            "seconds": seconds,
            "slices": slices,
            "rounds": rounds,
            "exports": sink.exports,
            "bytes": sink.bytes,
            "rates": {},
            "exported": exported,
            "cpu_ratio_by_round": by_round,
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
    """A server with `env` beside one without, on fresh databases that grow alike, loaded one
    at a time (the load generator on one core, the server on the other, as `make bench` runs a
    server): in each of `slices` turns and for each protocol a stretch of the traced server and
    one of the other, in the order ABBA, BAAB, … so that a drift in the machine or in the
    databases weighs on both alike. `traced_first`: which of the two is started (and warmed
    up) first."""
    async with AsyncExitStack() as stack:
        # Of servers started one after another, the first used 3% to 10% more CPU per REST
        # transition than the later ones for as long as they all ran (its user time, not the
        # system's; the same when the first of them had been stopped before the others began),
        # and 1% or less once an idle server had been started before them: so one is.
        await stack.enter_async_context(
            pinned_sqlite_server(folder, "spare", None, {}, SERVER_CPUS)
        )
        order = [("traced", env), ("untraced", {})]
        started = {
            name: await stack.enter_async_context(
                pinned_sqlite_server(folder, name, None, extra, SERVER_CPUS)
            )
            for name, extra in (order if traced_first else order[::-1])
        }
        for server in started.values():
            await warm_up(server.urls)
        pair = [started["traced"], started["untraced"]]
        runs: dict[str, list[tuple[Stretch, Stretch]]] = {protocol: [] for protocol in PROTOCOLS}
        for turn in range(slices):
            for protocol in PROTOCOLS:
                stretches: dict[int, Stretch] = {}
                for index in (0, 1, 1, 0) if turn % 2 == 0 else (1, 0, 0, 1):
                    server = pair[index]
                    stretch = await load_stretch(
                        server.urls, protocol, visitors, seconds / slices / 2, server.server_pids
                    )
                    stretches[index] = (
                        _joined(stretches[index], stretch) if index in stretches else stretch
                    )
                runs[protocol].append((stretches[0], stretches[1]))
        return runs


def _joined(one: Stretch, other: Stretch) -> Stretch:
    """Two stretches of one server as one: timings and failures together, CPU weighted by time."""
    tally = Tally(one[0].timings + other[0].timings, one[0].errors + other[0].errors)
    tally.examples = (one[0].examples + other[0].examples)[:3]
    elapsed = one[1]["elapsed_s"] + other[1]["elapsed_s"]
    used = {
        key: (one[1][key] * one[1]["elapsed_s"] + other[1][key] * other[1]["elapsed_s"]) / elapsed
        for key in one[1]
        if key != "elapsed_s"
    }
    return tally, {**used, "elapsed_s": elapsed}


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
        rounds = result.get("cpu_ratio_by_round", {}).get(name, [])
        for protocol, pair in protocols.items():
            each = "/".join(f"{one[protocol] - 1:+.0%}" for one in rounds)
            parts.append(
                f"{protocol} {pair['traced']['per_second']:.0f} vs {pair['off']['per_second']:.0f}"
                f" tr/s ({pair['ratio']:.2f}×, stretch by stretch {pair['paired_median']:.2f}×,"
                f" CPU per transition {pair['cpu_ratio'] - 1:+.0%}"
                + (f", by round {each})" if len(rounds) > 1 else ")")
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
    lines.extend(mixture_lines(result))
    sent = f"{result['exports']} exports, {result['bytes'] / 1024:.0f} KiB"
    return (
        "\n".join(lines) + f"\n({sent}; {result['visitors']} visitors, {result['slices']} slices,"
        f" {result.get('rounds', 1)} rounds)"
    )


def mixture(result: dict[str, Any], protocol: str, ratio: float) -> float | None:
    """The CPU per transition at `ratio`, against off, that the 0% and 100% runs predict: each
    request is either dropped (0%'s cost) or kept (100%'s), so the cost is their mixture."""
    rates = result["rates"]
    if "0%" not in rates or "100%" not in rates:
        return None
    dropped, kept = (rates[name][protocol]["cpu_ratio"] for name in ("0%", "100%"))
    return float(dropped + ratio * (kept - dropped))


def mixture_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    for name in result["rates"]:
        if name in (CONTROL, "0%", "100%"):
            continue
        ratio = float(name.rstrip("%")) / 100
        predicted = {p: mixture(result, p, ratio) for p in PROTOCOLS}
        if all(value is not None for value in predicted.values()):
            lines.append(
                f"{name} as the mixture of 0% and 100% predicts it: CPU per transition "
                + ", ".join(f"{p} {value - 1:+.1%}" for p, value in predicted.items() if value)
            )
    return lines


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per protocol and server")
    parser.add_argument("--visitors", type=int, default=32)
    parser.add_argument("--slices", type=int, default=8)
    parser.add_argument(
        "--ratios", default=",".join(f"{r:g}" for r in RATIOS), help="sampling ratios, e.g. 0.1"
    )
    parser.add_argument("--rounds", type=int, default=2, help="fresh pairs of servers per ratio")
    parser.add_argument(
        "--no-control", action="store_true", help="without the second untraced server"
    )
    parser.add_argument("--out", type=Path, default=Path("var/bench"))
    args = parser.parse_args()
    sampled = tuple(float(part) for part in args.ratios.split(","))
    if not all(0.0 <= ratio <= 1.0 for ratio in sampled):
        parser.error(f"--ratios {args.ratios}: each a ratio between 0 and 1")
    ratios: tuple[float | None, ...] = sampled if args.no_control else (*sampled, None)
    if LOAD_CPUS is not None:
        # The load generator on a CPU of its own, the server loaded on the other: the
        # scheduler's placement of the two (sharing a core or not) moved a server's CPU per
        # transition by several percent from one run to the next.
        os.sched_setaffinity(0, LOAD_CPUS)
    with tempfile.TemporaryDirectory(prefix="trex-traces-") as scratch:
        result = asyncio.run(
            compare(Path(scratch), args.visitors, args.seconds, args.slices, ratios, args.rounds)
        )
    print(line(result))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "observability.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"Wrote {args.out / 'observability.json'}.")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
