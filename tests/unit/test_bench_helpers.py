"""The bench's pure helpers: percentiles, websocket frames, targets, tables, the README block."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.settings import Settings
from bench import report
from bench.abuse import DEFAULT_LIMITS
from bench.observability import Stretch, _joined, mixture, mixture_lines, otlp_sink
from bench.protocols import Tally
from bench.stats import percentile, summary_ms
from bench.wsclient import CLOSE, PING, TEXT, decode_frames, encode_frame
from tests.stack import UNREFUSING_LIMITS


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(100, 0, -1)]  # 1..100, unsorted
    assert percentile(samples, 50) == 50
    assert percentile(samples, 99) == 99
    assert percentile(samples, 100) == 100
    assert percentile([7.0], 99) == 7
    assert percentile([1.0, 2.0], 50) == 1
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="not in"):
        percentile([1.0], 0)


def test_summary_is_in_milliseconds() -> None:
    summary = summary_ms([0.001, 0.002, 0.003, 0.010])
    assert summary["n"] == 4
    assert summary["p50_ms"] == pytest.approx(2)
    assert summary["p99_ms"] == pytest.approx(10)
    assert summary["mean_ms"] == pytest.approx(4)
    assert summary_ms([])["p99_ms"] is None


@pytest.mark.parametrize("size", [0, 5, 125, 126, 300, 65_535, 65_536])
def test_client_frames_are_masked_and_decode_back(size: int) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    frame = encode_frame(TEXT, payload, mask=b"\x01\x02\x03\x04")
    assert frame[0] == 0x80 | TEXT
    assert frame[1] & 0x80  # the mask bit a client must set
    if size:
        assert payload not in frame
    buffer = bytearray(frame)
    assert decode_frames(buffer) == [(TEXT, payload)]
    assert buffer == b""


def test_server_frames_split_anywhere_wait_for_the_rest() -> None:
    server = bytes((0x80 | TEXT, 5)) + b"hello" + bytes((0x80 | PING, 0)) + bytes((0x80 | CLOSE, 2))
    buffer = bytearray()
    seen: list[tuple[int, bytes]] = []
    for byte in server + b"\x03\xe8":
        buffer.append(byte)
        seen += decode_frames(buffer)
    assert seen == [(TEXT, b"hello"), (PING, b""), (CLOSE, b"\x03\xe8")]
    assert buffer == b""


def level(per_second: float, p99: float) -> dict[str, Any]:
    return {
        "per_second": per_second,
        "p50_ms": p99 / 2,
        "p99_ms": p99,
        "errors": 0,
        "server_cpu": 0.9,
        "machine_busy": 0.95,
    }


def push(p50: float, p99: float) -> dict[str, Any]:
    part = {"n": 50, "p50_ms": p50 / 2, "p99_ms": p99 / 2}
    return {
        "n": 50,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": 0,
        "at_to_push": part,
        "result_to_at": part,
    }


RESULTS: dict[str, Any] = {
    "started_at": "2025-01-02T03:04:05+00:00",
    "duration_s": 540,
    "machine": {
        "cpu": "Test CPU",
        "cores": 2,
        "memory_gib": 24,
        "os": "Linux",
        "python": "3.11",
        "sqlite": "3.40",
        "postgresql": "15",
        "redis": "7",
    },
    "transitions": {
        "1": {"rest": level(200, 10), "graphql": level(180, 12)},
        "32": {"rest": level(1200, 40), "graphql": level(900, 60)},
    },
    "flows": {
        "visitors": 32,
        "flows_per_second": 20.5,
        "flow_p50_ms": 900.0,
        "flow_p99_ms": 1500.0,
    },
    "fanout": {
        "1000": {"reach_all_ms": 300.0, "kib_per_connection": 30.0, "opened": 1000},
        "10000": {"reach_all_ms": 1200.0, "kib_per_connection": 39.5, "opened": 10000},
    },
    "push": {"one_process": push(8, 20), "two_servers": push(15, 120)},
    "storage": {
        "sqlite": {"rest": level(1200, 40), "graphql": level(900, 60)},
        "postgres_1": {"rest": level(600, 80), "graphql": level(500, 90)},
        "postgres_2": {"rest": level(1000, 60), "graphql": level(700, 70)},
    },
}


def by_measure(rows: list[report.Check]) -> dict[str, report.Check]:
    return {f"{row.part}: {row.measure}": row for row in rows}


def test_every_target_is_checked_against_its_measure() -> None:
    rows = by_measure(report.checks(RESULTS))
    ratio = rows["(a)/(b): b/a, GraphQL / REST tr/s, 32 visitors"]
    assert ratio.value == pytest.approx(0.75)
    assert (ratio.target, ratio.met) == ("≥ 0.8×", False)
    assert rows["(a)/(b): b/a, GraphQL / REST tr/s, 1 visitor"].met is True
    assert rows["(a) REST: transitions/s, SQLite, 32 visitors"].met is True  # 1,200
    assert rows["(b) GraphQL: transitions/s, SQLite, 32 visitors"].met is False  # 900
    assert rows["(a) REST: p99, SQLite, 32 visitors"].met is True  # 40 ms
    assert rows["(b) GraphQL: p99, SQLite, 32 visitors"].met is False  # 60 ms
    reach = rows["(d): 10,000 subscribers: one event reaches all"]
    assert (reach.target, reach.met) == ("< 1,000 ms", False)
    assert rows["(d): 1,000 subscribers: one event reaches all"].met is None  # the target is at 10k
    assert rows["(d): 10,000 subscribers: server memory per connection"].met is True
    assert rows["(e): credit result → push p99, one process (SQLite)"].met is True
    assert rows["(e): credit result → push p99, across two servers (Redis)"].met is False
    two = rows["(f): REST: two PostgreSQL servers / one, tr/s"]
    assert two.value == pytest.approx(1000 / 600)
    assert two.met is True
    assert rows["(f): GraphQL: two PostgreSQL servers / one, tr/s"].met is False  # 1.4×
    assert rows["(c): whole buying flows/s, 32 visitors"].target == "—"


def test_a_part_that_did_not_run_is_not_met_nor_failed() -> None:
    rows = by_measure(report.checks({"machine": RESULTS["machine"]}))
    missing = rows["(e): credit result → push p99, one process (SQLite)"]
    assert missing.value is None
    assert missing.met is None
    assert "| — | < 50 ms | — |" in report.summary_table([missing])


def test_the_report_has_the_machine_the_targets_and_every_part() -> None:
    results = {**RESULTS, "checks": report.as_dicts(report.checks(RESULTS))}
    text = report.markdown(results)
    assert "Test CPU, 2 cores, 24 GiB RAM" in text
    assert "| (a)/(b) | b/a, GraphQL / REST tr/s, 32 visitors | 0.75 | ≥ 0.8× | ❌ |" in text
    assert "| (a) REST | transitions/s, SQLite, 32 visitors | 1,200 tr/s | ≥ 1,000 tr/s | ✅ |" in (
        text
    )
    assert "| 32 | 1,200 | 20.0 / 40.0 | 900 | 30.0 / 60.0 | 0.75 | 90% / 90% |" in text
    assert "20.5 flows/s" in text
    assert "| one process (SQLite, in-process events) | 50 | 8.0 / 20.0 | 4.0 / 10.0 |" in text


def test_the_readme_section_replaces_the_old_one_and_then_itself(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# T\n\n## Benchmarks\n\nold table\n\n## Commands\n\nkeep\n")
    report.update_readme(readme, f"{report.README_BEGIN}\nfirst\n{report.README_END}")
    assert readme.read_text() == (
        f"# T\n\n## Benchmarks\n\n{report.README_BEGIN}\nfirst\n{report.README_END}\n\n"
        "## Commands\n\nkeep\n"
    )
    report.update_readme(readme, f"{report.README_BEGIN}\nsecond\n{report.README_END}")
    text = readme.read_text()
    assert "second" in text
    assert "first" not in text
    assert "old table" not in text
    assert text.endswith("## Commands\n\nkeep\n")


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "results.png"
    report.plot(RESULTS, target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stretches_of_one_level_add_up() -> None:
    from bench.protocols import Tally, merge_stretches

    first, second = Tally([0.010] * 30, 1, ["Failed: 500"]), Tally([0.020] * 10)
    used = {"client_cpu": 0.1, "server_cpu": 0.9, "machine_busy": 0.6}
    merged = merge_stretches(
        ["http://a", "http://b"],
        "rest",
        8,
        [
            (first, {**used, "elapsed_s": 1.0}),
            (second, {**used, "elapsed_s": 3.0, "server_cpu": 0.5}),
        ],
    )
    assert merged["per_second"] == pytest.approx(40 / 4.0)
    assert merged["p50_ms"] == pytest.approx(10)
    assert merged["p99_ms"] == pytest.approx(20)
    assert merged["server_cpu"] == pytest.approx((0.9 * 1 + 0.5 * 3) / 4)
    assert (merged["errors"], merged["error_examples"], merged["servers"]) == (
        1,
        ["Failed: 500"],
        2,
    )


def test_the_abuse_bench_puts_back_every_limit_the_others_raise() -> None:
    assert set(DEFAULT_LIMITS) == set(UNREFUSING_LIMITS)
    defaults = Settings.from_env(DEFAULT_LIMITS)
    assert defaults == Settings()
    raised = Settings.from_env(UNREFUSING_LIMITS)
    assert raised.holds_per_client > 1000
    assert raised.rate_limits.transitions_per_session == "1000000/second"


def test_the_report_checks_what_the_limits_cost_and_the_visitor_under_abuse() -> None:
    results: dict[str, Any] = {
        "limits": {
            "memory": {"rest": {"ratio": 0.97}, "graphql": {"ratio": 0.93}},
        },
        "abuse": {
            "startWorkflow flood": {"visitor": {"p99_ms": 31.0}},
            "26 KB repeated-field document": {"visitor": {"p99_ms": 215.0}},
        },
    }
    rows = {(row.part, row.measure): row.met for row in report.checks(results)}
    assert rows[("(g)", "REST: tr/s with rates counted in memory / rates off")] is True
    assert rows[("(g)", "GraphQL: tr/s with rates counted in memory / rates off")] is False
    assert rows[("(h)", "visitor's transition p99 while: startWorkflow flood")] is True
    assert rows[("(h)", "visitor's transition p99 while: 26 KB repeated-field document")] is False


async def test_the_collector_stand_in_counts_the_spans_and_traces_it_is_sent() -> None:
    """What the OTLP/HTTP exporter sends, decoded: two traces (spans without a parent), one of
    them with two spans under its root, in one export."""
    async with otlp_sink() as (endpoint, sink):
        provider = TracerProvider()
        finished = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(finished))
        tracer = provider.get_tracer("test")
        with tracer.start_as_current_span("POST /api/workflow/transition"):
            for statement in ("SELECT", "UPDATE"):
                with tracer.start_as_current_span(statement):
                    pass
        with tracer.start_as_current_span("POST /api/workflow/start"):
            pass
        exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")
        try:
            sent = await asyncio.to_thread(exporter.export, finished.get_finished_spans())
        finally:
            exporter.shutdown()  # type: ignore[no-untyped-call]
            provider.shutdown()
        assert sent is SpanExportResult.SUCCESS
        assert sink.counts()["exports"] == 1
        assert (sink.spans, sink.traces) == (4, 2)


def _stretch(transitions: int, elapsed: float, server_cpu: float, errors: int = 0) -> Stretch:
    tally = Tally([0.002] * transitions, errors=errors, examples=[f"e{transitions}"])
    return tally, {"elapsed_s": elapsed, "client_cpu": 0.5, "server_cpu": server_cpu}


def test_two_stretches_of_a_server_join_into_one_weighted_by_time() -> None:
    tally, used = _joined(_stretch(300, 1.0, 0.9, 1), _stretch(100, 3.0, 0.5, 2))
    assert len(tally.timings) == 400
    assert (tally.errors, tally.examples) == (3, ["e300", "e100"])
    assert used["elapsed_s"] == 4.0
    assert used["server_cpu"] == pytest.approx((0.9 * 1 + 0.5 * 3) / 4)


def test_a_ratio_is_predicted_as_the_mixture_of_the_dropped_and_the_kept_cost() -> None:
    def rates(rest: float, graphql: float) -> dict[str, dict[str, float]]:
        return {"rest": {"cpu_ratio": rest}, "graphql": {"cpu_ratio": graphql}}

    result = {"rates": {"0%": rates(1.01, 1.02), "100%": rates(1.41, 1.22), "1%": rates(1, 1)}}
    assert mixture(result, "rest", 0.01) == pytest.approx(1.014)
    assert mixture(result, "graphql", 0.1) == pytest.approx(1.04)
    [line] = mixture_lines(result)
    assert line.endswith("rest +1.4%, graphql +2.2%")
    assert mixture({"rates": {"0%": rates(1, 1)}}, "rest", 0.5) is None
