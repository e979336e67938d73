"""Shadow replay's service (app/services/replay.py) on memory storage: sessions the workflow
service walked, read back from the history as recorded and replayed with nothing written; the
corpus file's round trip and its refusals, each naming the entry and the rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.services.replay import (
    ReplayRefused,
    corpus_json,
    read_corpus,
    recorded_sessions,
    shadow_replay,
)
from tests.support.memory_service import process, small_flow, stocked
from workflows.model import Goto
from workflows.registry import Registry, Release
from workflows.replay import Counted, Divergence


async def test_walked_sessions_are_read_back_as_recorded_and_replayed_without_writing() -> None:
    storage = stocked()
    server = process(storage)
    reserved = await server.at_confirm()
    await server.moved(reserved, "confirm", {"confirm": True})
    await server.at_confirm("veh-2")  # stopped at confirm
    commits = storage.commits

    sessions = await recorded_sessions(storage, "small", 1)
    assert [[row.action for row in s.rows] for s in sessions] == [
        ["start", "transition", "transition", "transition"],
        ["start", "transition", "transition"],
    ]
    skipping = replace(small_flow().step("intro"), default=Goto("confirm"))
    v2 = replace(small_flow(), version=2, steps={**small_flow().steps, "intro": skipping})
    flows = Registry.of([Release(small_flow()), Release(v2)])
    found = shadow_replay(flows, "small", 2, 1, sessions)

    assert found.report.divergences == (Counted(Divergence("intro", "choose", "confirm"), 2),)
    assert found.report.rejections == ()
    reached = [{s.step: s.reached for s in f.steps} for f in (found.recorded, found.replayed)]
    assert [r["done"] for r in reached] == [1, 1]
    assert [r["choose"] for r in reached] == [2, 0]
    assert storage.commits == commits  # nothing written


async def test_the_history_store_reads_at_most_the_limit_of_one_version() -> None:
    storage = stocked()
    server = process(storage)
    for _ in range(3):
        await server.started()
    assert len(await recorded_sessions(storage, "small", 1, limit=2)) == 2
    assert await recorded_sessions(storage, "small", 2) == []


async def test_a_corpus_round_trips() -> None:
    storage = stocked()
    await process(storage).at_confirm()
    sessions = await recorded_sessions(storage, "small", 1)
    assert read_corpus(corpus_json(sessions)) == sessions


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[1", "corpus: not JSON"),
        ("[]", "corpus: an object"),
        ('{"sessions": {}}', "corpus.sessions: required, a list"),
        ('{"sessions": [{"session_id": 1}]}', "corpus.sessions[0].rows: required, a list"),
        (
            '{"sessions": [{"session_id": "s", "workflow": "w", "version": true, "rows": []}]}',
            "corpus.sessions[0].version: required, an integer",
        ),
        (
            '{"sessions": [{"rows": [{"action": "jump"}]}]}',
            "corpus.sessions[0].rows[0].action: one of start, transition",
        ),
        (
            '{"sessions": [{"rows": [{"action": "back", "from_step": null, "at": "noon"}]}]}',
            "corpus.sessions[0].rows[0].at: an ISO 8601 time",
        ),
    ],
)
def test_a_malformed_corpus_is_refused_naming_the_entry_and_rule(text: str, named: str) -> None:
    with pytest.raises(ReplayRefused) as refused:
        read_corpus(text)
    assert named in str(refused.value)
