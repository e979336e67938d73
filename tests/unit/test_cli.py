"""The `trex` command line."""

from __future__ import annotations

import pytest

from app.cli import main
from workflows.registry import definition


def test_graph_prints_every_step_as_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    main(["graph"])
    printed = capsys.readouterr().out
    assert printed.startswith("flowchart TD")
    for step_id in definition("trex").steps:
        assert step_id in printed


def test_schema_prints_the_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    main(["schema"])
    printed = capsys.readouterr().out
    assert "union WorkflowResult" in printed
    updates = printed[printed.index("type Subscription") :].split("\n}")[0]
    assert "sessionUpdates(" in updates
    assert "sessionId: ID!" in updates
    assert "afterSeq: Int = null" in updates
    assert "): SessionUpdate!" in updates


def test_graph_prints_any_version_and_refuses_an_undefined_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["graph", "--version", "1"])
    assert "intent_selection" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stopped:
        main(["graph", "--version", "99"])
    assert stopped.value.code == 2
    assert "no version 99 of 'trex' is defined" in capsys.readouterr().err
