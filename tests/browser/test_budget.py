"""What the element costs, measured in the browser: the bytes it loads (gzipped, as sent) before
its first step is on screen (the step modules are imported on demand, so that is the budget),
every module it has once the likely next steps are prefetched, and the time from mount to the
first step. Written to var/metrics/microfrontend.json."""

from __future__ import annotations

import gzip
import json
import statistics
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, expect

from app.web.frontend import MODULE
from tests.browser.conftest import DESKTOP, FrontendServer
from tests.browser.widget import RECORD_STEPS, Widget

BUDGET_BYTES = 60 * 1024
METRICS = Path(__file__).resolve().parents[2] / "var" / "metrics" / "microfrontend.json"
LOADS = 5

# The element's own files it loaded, by path under its release (/mf/v1.<digest>/…), with their
# sizes: before the first step was on screen, and since.
MEASURE = """() => {
  const first = performance.getEntriesByName('trex:first-step')[0];
  const modules = performance.getEntriesByType('resource')
    .filter((r) => new URL(r.name).pathname.startsWith('/mf/'))
    .map((r) => ({
      path: new URL(r.name).pathname.split('/').slice(3).join('/'),
      query: new URL(r.name).search,
      before: r.responseEnd <= first.startTime,
      transferSize: r.transferSize, encodedBodySize: r.encodedBodySize,
      decodedBodySize: r.decodedBodySize,
    }));
  const sum = (list, key) => list.reduce((total, r) => total + r[key], 0);
  const before = modules.filter((r) => r.before);
  return {
    paths: modules.map((r) => r.path + r.query),
    pathsBefore: before.map((r) => r.path),
    files: before.length,
    transferBytes: sum(before, 'transferSize'),
    gzippedBytes: sum(before, 'encodedBodySize'),
    rawBytes: sum(before, 'decodedBodySize'),
    allFiles: modules.length,
    allGzippedBytes: sum(modules, 'encodedBodySize'),
    mountToFirstStepMs: performance.getEntriesByName('trex:mount-to-first-step')[0].duration,
    navigationToFirstStepMs: first.startTime,
  };
}"""
# What the first step (IntentSelection) needs of steps/: itself and what it imports.
FIRST_STEP_MODULES = {"steps/intent-selection.js", "steps/choice.js", "steps/generic-form.js"}
# Prefetched when the browser is idle after the first step: the steps after the next one.
PREFETCHED = "steps/vehicle-search.js"


async def load_once(browser: Browser, base_url: str, shots: Path) -> dict[str, Any]:
    """A fresh visitor: new context (empty cache, no session), /demo to the first step, then
    until the idle prefetch has brought the likely next steps."""
    context = await browser.new_context(viewport=DESKTOP)
    await context.add_init_script(RECORD_STEPS)
    try:
        widget = Widget(await context.new_page(), base_url, shots)
        await widget.open()
        await widget.page.wait_for_function(
            "(path) => performance.getEntriesByType('resource')"
            "  .some((r) => new URL(r.name).pathname.endsWith(path))",
            arg=PREFETCHED,
        )
        measured: dict[str, Any] = await widget.page.evaluate(MEASURE)
        return measured
    finally:
        await context.close()


async def test_the_element_is_small_and_quick(
    browser: Browser, frontend: FrontendServer, shots: Path
) -> None:
    loads = [await load_once(browser, frontend.base_url, shots) for _ in range(LOADS)]
    files = sorted(p.relative_to(MODULE).as_posix() for p in MODULE.rglob("*.js"))
    on_disk = sum(len(gzip.compress((MODULE / p).read_bytes(), 6)) for p in files)
    first = loads[0]
    metrics = {
        "first_step_files": first["files"],
        "first_step_gzipped_bytes": first["gzippedBytes"],
        "first_step_transfer_bytes_with_headers": first["transferBytes"],
        "first_step_raw_bytes": first["rawBytes"],
        "after_prefetch_files": first["allFiles"],
        "after_prefetch_gzipped_bytes": first["allGzippedBytes"],
        "all_modules_files": len(files),
        "all_modules_gzipped_bytes_one_file_each": on_disk,
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

    for load in loads:
        # Nothing but the element's own modules, each once; no other locale's words.
        assert set(load["paths"]) <= set(files), set(load["paths"]) - set(files)
        assert len(load["paths"]) == len(set(load["paths"]))
        assert "i18n/es-US.js" not in load["paths"]
        # Before the first step: the shell and the first step's modules, no other step's.
        steps_before = {p for p in load["pathsBefore"] if p.startswith("steps/")}
        assert steps_before == FIRST_STEP_MODULES
        assert "i18n/en-US.js" in load["pathsBefore"]
        assert load["gzippedBytes"] < BUDGET_BYTES
    assert first["allFiles"] < len(files)  # the prefetch brings the likely steps, not all
    assert metrics["mount_to_first_step_median_ms"] < 1000


async def test_a_step_transition_never_waits_on_a_module(widget: Widget) -> None:
    """The likely next steps are prefetched when idle: pressing on loads no module."""
    assert await widget.open() == "intent_selection"
    await widget.choose("buying")
    await widget.wait_for("vehicle_knowledge")
    await widget.page.wait_for_function(
        "(path) => performance.getEntriesByType('resource')"
        "  .some((r) => new URL(r.name).pathname.endsWith(path))",
        arg=PREFETCHED,
    )
    pressed = await widget.page.evaluate("performance.now()")
    await widget.choose("true")
    await widget.wait_for("vehicle_search")
    # The search step's module and what it imports (the form, the fields) were here before the
    # press: none of them was fetched, or fetched again, for the transition. (Other modules may
    # arrive meanwhile: the idle prefetch of the steps after it.)
    arrived = await widget.page.evaluate(
        "(paths) => performance.getEntriesByType('resource')"
        "  .filter((r) => paths.some((p) => new URL(r.name).pathname.endsWith(p)))"
        "  .map((r) => r.responseEnd)",
        [PREFETCHED, "/form.js", "/ui/fields.js"],
    )
    assert len(arrived) == 3
    assert max(arrived) < pressed
    await expect(widget.control("make")).to_be_visible()
