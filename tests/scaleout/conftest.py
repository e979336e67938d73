"""Failure reports carry the processes' logs; the run ends with the numbers it measured."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from tests.scaleout import harness


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        for cluster in harness.ACTIVE:
            report.sections.append((f"process logs: {cluster.name}", cluster.logs()))
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if harness.METRICS:
        terminalreporter.section("scale-out: measured")
        for name, value in harness.METRICS:
            terminalreporter.write_line(f"{name}: {value}")
