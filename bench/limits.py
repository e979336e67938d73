"""(g) What the rate limits cost: transitions per second with every rate counted (but too high
to refuse) against the same server with the rates off, in alternating stretches.

    .venv/bin/python -m bench.limits [--seconds 8] [--visitors 32]

Two `trex serve` side by side on fresh SQLite files, identical but for the rates; REST and
GraphQL alternate between them in `slices` stretches each, so load that comes and goes on the
machine weighs on both alike. Done twice: with the limiter's counts in memory (the embedded
default) and in Redis (a private redis-server, as when servers share their counts; the bus is
on Redis in both servers of that pair, so only the limiter differs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from bench import protocols
from bench.harness import sqlite_server
from bench.protocols import PROTOCOLS
from tests.stack import UNREFUSING_LIMITS
from tests.support.processes import running_redis

RATES_OFF = {name: "off" for name in UNREFUSING_LIMITS if name.startswith("TREX_RATE_")}


async def compare(
    folder: Path, visitors: int, seconds: float, slices: int, redis: bool
) -> dict[str, Any]:
    """Rates counted / rates off, per protocol: throughput ratio and both levels."""
    async with AsyncExitStack() as stack:
        env: dict[str, str] = {}
        if redis:
            env["REDIS_URL"] = stack.enter_context(running_redis()).url
        counted = await stack.enter_async_context(sqlite_server(folder, "counted", None, **env))
        rates_off = {**env, **RATES_OFF}
        off = await stack.enter_async_context(sqlite_server(folder, "off", None, **rates_off))
        merged = await protocols.alternating(
            {
                "counted": (counted.urls, counted.server_pids),
                "off": (off.urls, off.server_pids),
            },
            visitors,
            seconds,
            slices,
        )
        result: dict[str, Any] = {"storage": "redis" if redis else "memory"}
        for protocol in PROTOCOLS:
            with_rates, without = merged["counted"][protocol], merged["off"][protocol]
            ratio = with_rates["per_second"] / max(without["per_second"], 1e-9)
            result[protocol] = {"counted": with_rates, "off": without, "ratio": ratio}
        return result


async def main(folder: Path, visitors: int, seconds: float, slices: int) -> dict[str, Any]:
    return {
        "memory": await compare(folder, visitors, seconds, slices, redis=False),
        "redis": await compare(folder, visitors, seconds, slices, redis=True),
    }


def line(result: dict[str, Any]) -> str:
    parts = []
    for protocol in PROTOCOLS:
        pair = result[protocol]
        parts.append(
            f"{protocol} {pair['counted']['per_second']:.0f} vs {pair['off']['per_second']:.0f} "
            f"tr/s ({pair['ratio']:.2f}×)"
        )
    return f"limits counted in {result['storage']} / off: " + ", ".join(parts)


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per protocol and server")
    parser.add_argument("--visitors", type=int, default=32)
    parser.add_argument("--slices", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trex-limits-") as scratch:
        results = asyncio.run(main(Path(scratch), args.visitors, args.seconds, args.slices))
    for result in results.values():
        print(line(result))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
