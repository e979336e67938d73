"""The Grafana dashboard (docs/grafana/trex-dashboard.json) and the README's operator page name
only metrics the service exports: a renamed metric fails here, not on an operator's screen."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.telemetry.metrics import Metrics

ROOT = Path(__file__).resolve().parents[2]
NAMES = re.compile(r"\btrex_[a-z_]+\b")
SUFFIXES = ("_bucket", "_count", "_sum")


def _exported() -> set[str]:
    """Every sample name the registry can expose (a histogram's _bucket, _count and _sum)."""
    metrics = Metrics()
    metrics.watch_pool(lambda: (10, 1, 0))  # the pool's gauges exist once a database is watched
    names: set[str] = set()
    for family in metrics.registry.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        if family.type == "counter":
            names.add(f"{family.name}_total")
        if family.type == "histogram":
            names.update(f"{family.name}{suffix}" for suffix in SUFFIXES)
    return names


def test_every_dashboard_query_names_an_exported_metric() -> None:
    dashboard = json.loads((ROOT / "docs/grafana/trex-dashboard.json").read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    named = {name for query in queries for name in NAMES.findall(query)}
    assert len(named) >= 15
    assert sorted(named - _exported()) == []


def test_the_readmes_operator_page_names_exported_metrics() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    page = readme.split("## Operate it", 1)[1].split("\n## ", 1)[0]
    named = {name.removesuffix("_") for name in NAMES.findall(page)}
    exported = _exported() | {n.removesuffix("_total") for n in _exported()}
    assert len(named) >= 15
    assert sorted(named - exported) == []
