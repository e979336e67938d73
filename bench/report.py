"""What a bench run reports: the machine, the targets met or not, Markdown tables, a PNG plot,
and the README's benchmark section."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.abuse import table as abuse_table

README_BEGIN = "<!-- bench:begin (written by `make bench`) -->"
README_END = "<!-- bench:end -->"
KEPT = Path("docs/bench")  # beside the README: the latest run's plot and JSON, committed
LEVEL_TARGET_VISITORS = "32"  # the throughput and p99 targets are set at 32 visitors
FANOUT_TARGET_SUBSCRIBERS = 10_000


def machine() -> dict[str, Any]:
    """CPU model, cores, memory, OS and the versions the numbers depend on."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _version(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "test",
                "-tAc",
                "show server_version",
            ]
        ),
        "redis": _version(["redis-server", "--version"]),
    }


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return "unavailable"
    found = re.search(r"v=(\S+)", done.stdout) or re.search(r"(\d+(?:\.\d+)+)", done.stdout)
    return found.group(1) if found else done.stdout.strip()[:40]


def describe(info: dict[str, Any]) -> str:
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB RAM, {info['os']}; "
        f"Python {info['python']}, SQLite {info['sqlite']}, PostgreSQL {info['postgresql']}, "
        f"Redis {info['redis']}"
    )


@dataclass(frozen=True)
class Check:
    part: str
    measure: str
    value: float | None
    unit: str
    target: str  # "≥ 0.8", "< 50 ms", "—" when the measure has no target
    met: bool | None  # None: no target, or not measured


COMPARE: dict[str, Callable[[float, float], bool]] = {
    "≥": lambda value, bound: value >= bound,
    "≤": lambda value, bound: value <= bound,
    "<": lambda value, bound: value < bound,
    ">": lambda value, bound: value > bound,
}


def check(
    part: str,
    measure: str,
    value: float | None,
    unit: str,
    op: str | None = None,
    bound: float | None = None,
) -> Check:
    if op is None or bound is None:
        return Check(part, measure, value, unit, "—", None)
    suffix = unit if unit in ("", "×") else f" {unit}"
    target = f"{op} {bound:,g}{suffix}"
    met = None if value is None else COMPARE[op](value, bound)
    return Check(part, measure, value, unit, target, met)


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("tr/s", "ms") and value >= 100:
        return f"{value:,.0f}"
    if unit in ("×", ""):
        return f"{value:.2f}"
    return f"{value:,.1f}"


def _get(tree: dict[str, Any], *path: str) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _ratio(top: Any, bottom: Any) -> float | None:
    if not isinstance(top, int | float) or not isinstance(bottom, int | float) or not bottom:
        return None
    return float(top) / float(bottom)


def _visitors(count: str | int) -> str:
    return f"{count} visitor" + ("" if int(count) == 1 else "s")


def checks(results: dict[str, Any]) -> list[Check]:
    """Every measured value next to its target (the issue's targets)."""
    rows: list[Check] = []
    levels = results.get("transitions") or {}
    for visitors, pair in levels.items():
        ratio = _ratio(_get(pair, "graphql", "per_second"), _get(pair, "rest", "per_second"))
        rows.append(
            check(
                "(a)/(b)", f"b/a, GraphQL / REST tr/s, {_visitors(visitors)}", ratio, "×", "≥", 0.8
            )
        )
    n = LEVEL_TARGET_VISITORS
    for key, name in (("rest", "(a) REST"), ("graphql", "(b) GraphQL")):
        rows.append(
            check(
                name,
                f"transitions/s, SQLite, {_visitors(n)}",
                _get(levels, n, key, "per_second"),
                "tr/s",
                "≥",
                1000,
            )
        )
        rows.append(
            check(
                name, f"p99, SQLite, {_visitors(n)}", _get(levels, n, key, "p99_ms"), "ms", "<", 50
            )
        )
    flows = results.get("flows") or {}
    rows.append(
        check(
            "(c)",
            f"whole buying flows/s, {flows.get('visitors', 32)} visitors",
            flows.get("flows_per_second"),
            "flows/s",
        )
    )
    fanout = results.get("fanout") or {}
    for subscribers, level in fanout.items():
        at_target = int(subscribers) >= FANOUT_TARGET_SUBSCRIBERS
        rows.append(
            check(
                "(d)",
                f"{int(subscribers):,} subscribers: one event reaches all",
                level.get("reach_all_ms"),
                "ms",
                "<" if at_target else None,
                1000 if at_target else None,
            )
        )
        rows.append(
            check(
                "(d)",
                f"{int(subscribers):,} subscribers: server memory per connection",
                level.get("kib_per_connection"),
                "KiB",
                "≤",
                40,
            )
        )
    for key, name, bound in (
        ("one_process", "one process (SQLite)", 50),
        ("two_servers", "across two servers (Redis)", 100),
    ):
        rows.append(
            check(
                "(e)",
                f"credit result → push p99, {name}",
                _get(results, "push", key, "p99_ms"),
                "ms",
                "<",
                bound,
            )
        )
    storage = results.get("storage") or {}
    for protocol in ("rest", "graphql"):
        label = "REST" if protocol == "rest" else "GraphQL"
        sqlite_tps = _get(storage, "sqlite", protocol, "per_second")
        one = _get(storage, "postgres_1", protocol, "per_second")
        two = _get(storage, "postgres_2", protocol, "per_second")
        rows.append(
            check(
                "(f)",
                f"{label}: PostgreSQL / SQLite tr/s, one server",
                _ratio(one, sqlite_tps),
                "×",
            )
        )
        rows.append(
            check(
                "(f)",
                f"{label}: two PostgreSQL servers / one, tr/s",
                _ratio(two, one),
                "×",
                "≥",
                1.6,
            )
        )
    for storage, pair in (results.get("limits") or {}).items():
        for protocol in ("rest", "graphql"):
            label = "REST" if protocol == "rest" else "GraphQL"
            rows.append(
                check(
                    "(g)",
                    f"{label}: tr/s with rates counted in {storage} / rates off",
                    _get(pair, protocol, "ratio"),
                    "×",
                    "≥",
                    0.95,
                )
            )
    for name, phase in (results.get("abuse") or {}).items():
        rows.append(
            check(
                "(h)",
                f"visitor's transition p99 while: {name}",
                _get(phase, "visitor", "p99_ms"),
                "ms",
                "<",
                100,
            )
        )
    return rows


def limits_table(limits: dict[str, Any]) -> str:
    lines = [
        "| rates counted in | protocol | counted tr/s | off tr/s | ratio | p99 counted / off ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for storage, pair in limits.items():
        for protocol in ("rest", "graphql"):
            got = pair.get(protocol)
            if not got:
                continue
            counted, off = got["counted"], got["off"]
            lines.append(
                f"| {storage} | {protocol} | {counted['per_second']:,.0f} | "
                f"{off['per_second']:,.0f} | {got['ratio']:.2f} | "
                f"{_ms(counted['p99_ms'])} / {_ms(off['p99_ms'])} |"
            )
    return "\n".join(lines)


def prose(text: str) -> str:
    """A paragraph wrapped at 100 columns, like the rest of the README."""
    return textwrap.fill(text, 100, break_long_words=False, break_on_hyphens=False)


def mark(met: bool | None) -> str:
    return "—" if met is None else ("✅" if met else "❌")


def summary_table(rows: list[Check]) -> str:
    lines = ["| part | measure | measured | target | met |", "|---|---|---:|---|:-:|"]
    for row in rows:
        unit = "" if row.unit in ("", "×") else f" {row.unit}"
        value = number(row.value, row.unit) + (unit if row.value is not None else "")
        lines.append(f"| {row.part} | {row.measure} | {value} | {row.target} | {mark(row.met)} |")
    return "\n".join(lines)


def _ms(value: Any) -> str:
    return "—" if not isinstance(value, int | float) else f"{value:.1f}"


def transitions_table(levels: dict[str, Any]) -> str:
    lines = [
        "| visitors | REST tr/s | REST p50 / p99 ms | GraphQL tr/s | GraphQL p50 / p99 ms "
        "| b/a | server CPU REST / GraphQL |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for visitors, pair in levels.items():
        cells = [visitors]
        for protocol in ("rest", "graphql"):
            level = pair.get(protocol)
            if level is None:
                cells += ["—", "—"]
                continue
            errors = f" ({level['errors']} errors)" if level.get("errors") else ""
            cells += [
                f"{level['per_second']:,.0f}{errors}",
                f"{_ms(level['p50_ms'])} / {_ms(level['p99_ms'])}",
            ]
        ratio = _ratio(_get(pair, "graphql", "per_second"), _get(pair, "rest", "per_second"))
        cells.append("—" if ratio is None else f"{ratio:.2f}")
        cpus = [_get(pair, p, "server_cpu") for p in ("rest", "graphql")]
        cells.append(" / ".join("—" if c is None else f"{c:.0%}" for c in cpus))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fanout_table(fanout: dict[str, Any]) -> str:
    lines = [
        "| subscribers | opened (s) | one event reaches all, ms | arrivals p50 / p99 ms "
        "| server RSS MiB | KiB per connection |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for subscribers, level in fanout.items():
        reach = level.get("reach_all_ms")
        reach_text = (
            _ms(reach)
            if reach is not None
            else (f"{level.get('reached', 0):,} of {level.get('opened', 0):,} reached")
        )
        kib = level.get("kib_per_connection")
        lines.append(
            f"| {int(subscribers):,} | {level.get('opened', 0):,} "
            f"({level.get('open_seconds', 0):.1f})"
            f" | {reach_text} | {_ms(level.get('p50_ms'))} / {_ms(level.get('p99_ms'))} "
            f"| {level.get('rss_before_kib', 0) / 1024:.0f} → "
            f"{level.get('rss_after_kib', 0) / 1024:.0f} | {'—' if kib is None else f'{kib:.1f}'} |"
        )
    return "\n".join(lines)


def push_table(push: dict[str, Any]) -> str:
    lines = [
        "| setup | samples | credit result → push p50 / p99 ms | event `at` → push p50 / p99 ms "
        "| result → `at` p50 / p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    names = {
        "one_process": "one process (SQLite, in-process events)",
        "two_servers": "submitted on A, subscribed on B (PostgreSQL + Redis)",
    }
    for key, name in names.items():
        got = push.get(key)
        if not got:
            continue
        errors = f" ({got['errors']} failed)" if got.get("errors") else ""
        lines.append(
            f"| {name} | {got['n']}{errors} | {_ms(got['p50_ms'])} / {_ms(got['p99_ms'])} | "
            f"{_ms(got['at_to_push']['p50_ms'])} / {_ms(got['at_to_push']['p99_ms'])} | "
            f"{_ms(got['result_to_at']['p50_ms'])} / {_ms(got['result_to_at']['p99_ms'])} |"
        )
    return "\n".join(lines)


def storage_table(storage: dict[str, Any]) -> str:
    lines = [
        "| setup (32 visitors) | REST tr/s | REST p50 / p99 ms | GraphQL tr/s "
        "| GraphQL p50 / p99 ms | machine CPU busy |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    names = {
        "sqlite": "SQLite, one server",
        "postgres_1": "PostgreSQL + Redis, one server",
        "postgres_2": "PostgreSQL + Redis, two servers",
    }
    for key, name in names.items():
        pair = storage.get(key)
        if not pair:
            continue
        cells = [name]
        for protocol in ("rest", "graphql"):
            level = pair.get(protocol)
            cells += (
                ["—", "—"]
                if level is None
                else [
                    f"{level['per_second']:,.0f}",
                    f"{_ms(level['p50_ms'])} / {_ms(level['p99_ms'])}",
                ]
            )
        busy = [_get(pair, p, "machine_busy") for p in ("rest", "graphql")]
        cells.append(" / ".join("—" if b is None else f"{b:.0%}" for b in busy))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    """The whole report: the targets, then each part's table."""
    quick = ", quick" if results.get("quick") else ""
    before = results["machine"].get("busy_before_run")
    busy = "" if before is None else f", which was {before:.0%} busy just before the run"
    parts = [
        prose(
            f"Run of {results.get('started_at', '?')[:16].replace('T', ' ')} UTC "
            f"({results.get('duration_s', 0) / 60:.1f} min{quick})"
            f" on {describe(results['machine'])}. The load generator runs on the same machine"
            f"{busy}."
        ),
        summary_table([Check(**c) for c in results["checks"]]),
    ]
    if results.get("transitions"):
        parts += [
            "(a) REST and (b) GraphQL transitions, SQLite default, one server:",
            transitions_table(results["transitions"]),
        ]
    flows = results.get("flows")
    if flows:
        parts.append(
            prose(
                f"(c) Whole buying flows, start to `buying_complete` (GraphQL, {flows['visitors']} "
                f"visitors): {flows['flows_per_second']:.1f} flows/s, one flow p50 "
                f"{_ms(flows['flow_p50_ms'])} ms, p99 {_ms(flows['flow_p99_ms'])} ms."
            )
        )
    if results.get("fanout"):
        parts += [
            "(d) Fan-out, subscribers of one session on one server process:",
            fanout_table(results["fanout"]),
        ]
    if results.get("push"):
        parts += ["(e) Credit result to its push at the subscriber:", push_table(results["push"])]
    if results.get("storage"):
        parts += ["(f) Storage and servers:", storage_table(results["storage"])]
    if results.get("limits"):
        parts += [
            prose(
                "(g) What the rate limits cost, 32 visitors, two SQLite servers alike but for "
                "the rates (counted but too high to refuse, or off), alternating:"
            ),
            limits_table(results["limits"]),
        ]
    if results.get("abuse"):
        parts += [
            prose(
                "(h) Eight normal visitors (a transition every 0.5 s each, each its own address) "
                "while one client, from its own process and address, abuses one limit at a time "
                "with four connections; the production profile, every limit at its default:"
            ),
            abuse_table(results["abuse"]),
        ]
    extras = results.get("extras") or {}
    notes = []
    if extras.get("worker_push"):
        w = extras["worker_push"]
        notes.append(
            f"a worker's lead event reaches a subscriber on another server in "
            f"{_ms(w['p50_ms'])} ms (p50), {_ms(w['p99_ms'])} ms (p99)"
        )
    if extras.get("in_process_transition"):
        t = extras["in_process_transition"]
        notes.append(
            f"one transition in-process (service call, no HTTP): p50 "
            f"{_ms(t['p50_ms'])} ms, p99 {_ms(t['p99_ms'])} ms"
        )
    if extras.get("lead_completion"):
        c = extras["lead_completion"]
        notes.append(
            f"lead submission → COMPLETED (sandbox at its default latency): p50 "
            f"{_ms(c['p50_ms'])} ms, p99 {_ms(c['p99_ms'])} ms"
        )
    if notes:
        parts.append(prose("Also: " + "; ".join(notes) + "."))
    for failure in results.get("failures") or []:
        parts.append(prose(f"**Failed:** {failure['part']}: `{failure['error'][:300]}`"))
    return "\n\n".join(parts) + "\n"


def plot(results: dict[str, Any], path: Path) -> None:
    """Six panels: throughput and latency by visitors, fan-out time and memory, push latency,
    storage and servers; the target of each as a dashed line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 3, figsize=(16, 9))
    levels = results.get("transitions") or {}
    visitors = [int(v) for v in levels]
    colours = {"rest": "tab:blue", "graphql": "tab:orange"}

    ax = axes[0][0]
    for protocol, colour in colours.items():
        ax.plot(
            visitors,
            [_get(levels, str(v), protocol, "per_second") or 0 for v in visitors],
            "o-",
            color=colour,
            label=protocol,
        )
    ax.axhline(1000, linestyle="--", color="grey", label="target ≥ 1,000 at 32")
    ax.set(
        title="(a)/(b) transitions/s, SQLite",
        xlabel="concurrent visitors",
        ylabel="transitions/s",
        xscale="log",
    )
    ax.set_xticks(visitors, [str(v) for v in visitors])
    ax.legend()

    ax = axes[0][1]
    for protocol, colour in colours.items():
        for key, style in (("p50_ms", "o--"), ("p99_ms", "o-")):
            ax.plot(
                visitors,
                [_get(levels, str(v), protocol, key) or 0 for v in visitors],
                style,
                color=colour,
                label=f"{protocol} {key[:3]}",
            )
    ax.axhline(50, linestyle="--", color="grey", label="target p99 < 50 ms at 32")
    ax.set(
        title="(a)/(b) latency, SQLite",
        xlabel="concurrent visitors",
        ylabel="ms",
        xscale="log",
        yscale="log",
    )
    ax.set_xticks(visitors, [str(v) for v in visitors])
    ax.legend(fontsize="small")

    fanout = results.get("fanout") or {}
    counts = [int(n) for n in fanout]
    ax = axes[0][2]
    ax.plot(
        counts,
        [_get(fanout, str(n), "last_arrival_ms") or 0 for n in counts],
        "o-",
        label="last subscriber",
    )
    ax.plot(counts, [_get(fanout, str(n), "p50_ms") or 0 for n in counts], "o--", label="p50")
    ax.axhline(1000, linestyle="--", color="grey", label="target < 1 s at 10k")
    ax.set(title="(d) one event to every subscriber", xlabel="subscribers", ylabel="ms")
    ax.legend()

    ax = axes[1][0]
    ax.bar(
        [f"{n:,}" for n in counts],
        [_get(fanout, str(n), "kib_per_connection") or 0 for n in counts],
    )
    ax.axhline(40, linestyle="--", color="grey", label="target ≤ 40 KiB")
    ax.set(title="(d) server memory per connection", xlabel="subscribers", ylabel="KiB")
    ax.legend()

    push = results.get("push") or {}
    ax = axes[1][1]
    names = [("one_process", "one process", 50), ("two_servers", "two servers", 100)]
    for offset, key in ((-0.2, "p50_ms"), (0.2, "p99_ms")):
        ax.bar(
            [i + offset for i in range(len(names))],
            [_get(push, name, key) or 0 for name, _, _ in names],
            width=0.4,
            label=key[:3],
        )
    for i, (_, _, bound) in enumerate(names):
        ax.hlines(bound, i - 0.45, i + 0.45, linestyles="--", colors="grey")
    ax.set_xticks(range(len(names)), [label for _, label, _ in names])
    ax.set(title="(e) credit result → push (dashed: p99 target)", ylabel="ms")
    ax.legend()

    storage = results.get("storage") or {}
    setups = [
        ("sqlite", "SQLite ×1"),
        ("postgres_1", "PostgreSQL ×1"),
        ("postgres_2", "PostgreSQL ×2"),
    ]
    ax = axes[1][2]
    for offset, protocol in ((-0.2, "rest"), (0.2, "graphql")):
        ax.bar(
            [i + offset for i in range(len(setups))],
            [_get(storage, key, protocol, "per_second") or 0 for key, _ in setups],
            width=0.4,
            label=protocol,
            color=colours[protocol],
        )
    ax.set_xticks(range(len(setups)), [label for _, label in setups])
    ax.set(title="(f) transitions/s at 32 visitors", ylabel="transitions/s")
    ax.legend()

    figure.suptitle(
        f"T-Rex bench, {results.get('started_at', '')[:16]} — {describe(results['machine'])}",
        fontsize="small",
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
    plt.close(figure)


def readme_section(results: dict[str, Any]) -> str:
    """The README's benchmark block: what `make bench` does, then the latest report."""
    intro = prose(
        "`make bench` (`python -m bench`, under ten minutes; `make bench BENCH_ARGS=--quick` "
        "for a one-minute smoke run) runs every part once, each level bounded in time, with "
        "the load from a separate process on loopback (`bench/loadclient.py`: raw asyncio "
        "HTTP/1.1 keep-alive, so the load generator leaves the cores to the server), prints a "
        "line per level as it finishes, then the tables below, and writes "
        "`var/bench/results.json`, `results.md` and `results.png`. Each part also runs alone: "
        "`python -m bench.protocols`, `bench.fanout`, `bench.push`, `bench.scaleout`, "
        "`bench.limits`, `bench.abuse`. Latest run:"
    )
    plot = f"![The latest run: throughput, latency and fan-out]({KEPT}/results.png)\n\n"
    return f"{README_BEGIN}\n{intro}\n\n{plot}{markdown(results)}{README_END}"


def update_readme(path: Path, section: str) -> None:
    """Put `section` between the bench markers; the first time, it replaces the body of the
    `## Benchmarks` section (or becomes a new section at the end)."""
    text = path.read_text()
    if README_BEGIN in text and README_END in text:
        before, rest = text.split(README_BEGIN, 1)
        after = rest.split(README_END, 1)[1]
        path.write_text(before + section + after)
        return
    heading = re.search(r"^## Benchmarks[^\n]*\n", text, flags=re.MULTILINE)
    if heading is None:
        path.write_text(text.rstrip("\n") + "\n\n## Benchmarks\n\n" + section + "\n")
        return
    following = re.search(r"^## ", text[heading.end() :], flags=re.MULTILINE)
    end = len(text) if following is None else heading.end() + following.start()
    tail = "\n" if following is None else "\n\n"
    path.write_text(text[: heading.end()] + "\n" + section + tail + text[end:])


def as_dicts(rows: list[Check]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]
