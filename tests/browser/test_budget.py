"""What the element costs, measured in the browser: the bytes it loads (gzipped, as sent) and
the time from mount to its first step on screen. Written to var/metrics/microfrontend.json."""

from __future__ import annotations

import gzip
import json
import statistics
from pathlib import Path
from typing import Any

from playwright.async_api import Browser

from app.web.frontend import MODULE
from tests.browser.conftest import DESKTOP, FrontendServer
from tests.browser.widget import RECORD_STEPS, Widget

BUDGET_BYTES = 60 * 1024
METRICS = Path(__file__).resolve().parents[2] / "var" / "metrics" / "microfrontend.json"
LOADS = 5

MEASURE = """() => {
  const modules = performance.getEntriesByType('resource').filter((r) => r.name.includes('/mf/'));
  const sum = (key) => modules.reduce((total, r) => total + r[key], 0);
  const first = performance.getEntriesByName('trex:first-step')[0];
  return {
    files: modules.length,
    transferBytes: sum('transferSize'),
    gzippedBytes: sum('encodedBodySize'),
    rawBytes: sum('decodedBodySize'),
    mountToFirstStepMs: performance.getEntriesByName('trex:mount-to-first-step')[0].duration,
    navigationToFirstStepMs: first.startTime,
  };
}"""


async def load_once(browser: Browser, base_url: str, shots: Path) -> dict[str, Any]:
    """A fresh visitor: new context (empty cache, no session), /demo to the first step."""
    context = await browser.new_context(viewport=DESKTOP)
    await context.add_init_script(RECORD_STEPS)
    try:
        widget = Widget(await context.new_page(), base_url, shots)
        await widget.open()
        measured: dict[str, Any] = await widget.page.evaluate(MEASURE)
        return measured
    finally:
        await context.close()


async def test_the_element_is_small_and_quick(
    browser: Browser, frontend: FrontendServer, shots: Path
) -> None:
    loads = [await load_once(browser, frontend.base_url, shots) for _ in range(LOADS)]
    files = sorted(p for p in MODULE.rglob("*.js"))
    on_disk = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    metrics = {
        "files": loads[0]["files"],
        "gzipped_bytes": loads[0]["gzippedBytes"],
        "transfer_bytes_with_headers": loads[0]["transferBytes"],
        "raw_bytes": loads[0]["rawBytes"],
        "gzipped_bytes_one_file_each": on_disk,
        "mount_to_first_step_ms": [round(load["mountToFirstStepMs"], 1) for load in loads],
        "mount_to_first_step_median_ms": round(
            statistics.median(load["mountToFirstStepMs"] for load in loads), 1
        ),
        "navigation_to_first_step_median_ms": round(
            statistics.median(load["navigationToFirstStepMs"] for load in loads), 1
        ),
    }
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    METRICS.write_text(json.dumps(metrics, indent=2) + "\n")

    assert loads[0]["files"] == len(files)  # every module, and nothing else
    assert loads[0]["gzippedBytes"] < BUDGET_BYTES
    assert metrics["mount_to_first_step_median_ms"] < 1000
