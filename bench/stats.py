"""Percentiles and the small summaries every part of the bench reports."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float | None:
    """The nearest-rank `q`-th percentile (0 < q ≤ 100): the smallest sample with at least q%
    of the samples at or below it. None when there are no samples."""
    if not samples:
        return None
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q} is not in (0, 100]")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary_ms(samples_s: Sequence[float]) -> dict[str, float | None]:
    """n, p50, p99, mean and max of durations given in seconds, in milliseconds."""
    if not samples_s:
        return {"n": 0, "p50_ms": None, "p99_ms": None, "mean_ms": None, "max_ms": None}
    return {
        "n": len(samples_s),
        "p50_ms": _ms(percentile(samples_s, 50)),
        "p99_ms": _ms(percentile(samples_s, 99)),
        "mean_ms": sum(samples_s) / len(samples_s) * 1000,
        "max_ms": max(samples_s) * 1000,
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000
