"""Shadow replay from the real database (SQLite, or PostgreSQL with TREX_TEST_STACK=scaleout):
the history store gives back the recorded sessions in the corpus's shape, bounded, and
`trex flows replay` from the database reports what it reports from the corpus file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from app.bootstrap import prepare_database
from app.cli import main
from app.db.unit_of_work import SqlStorage
from app.services.records import SessionRecord
from app.services.replay import read_corpus, recorded_sessions
from app.settings import Settings
from workflows.engine import SessionState
from workflows.model import SessionStatus
from workflows.replay import RecordedSession

CORPUS = Path(__file__).parents[1] / "corpus" / "trex_v1_sessions.json"
SESSIONS = read_corpus(CORPUS.read_text(encoding="utf-8"))


async def _stored(storage: SqlStorage, sessions: list[RecordedSession]) -> None:
    for recorded in sessions:
        first, last = recorded.rows[0], recorded.rows[-1]
        state = SessionState(last.to_step, SessionStatus.ACTIVE, {}, (last.to_step,))
        record = SessionRecord(
            recorded.session_id, "x" * 64, "trex", 1, state, {}, first.at, last.at
        )
        async with storage.write() as uow:
            await uow.sessions.add(record)
            for row in recorded.rows:
                await uow.sessions.add_history(
                    recorded.session_id,
                    row.action,
                    row.from_step,
                    row.to_step,
                    row.at,
                    dict(row.input),
                    {},
                )


async def _read_back(settings: Settings, limit: int) -> list[RecordedSession]:
    db = await prepare_database(settings)
    try:
        storage = SqlStorage(db)
        await _stored(storage, SESSIONS)
        return await recorded_sessions(storage, "trex", 1, limit)
    finally:
        await db.dispose()


def test_the_history_store_gives_back_the_recorded_sessions_oldest_first(
    settings: Settings,
) -> None:
    read = asyncio.run(_read_back(settings, 10_000))
    assert read == SESSIONS


def test_the_history_store_reads_at_most_the_limit(settings: Settings) -> None:
    read = asyncio.run(_read_back(settings, 5))
    assert read == SESSIONS[:5]


def test_replay_from_the_database_reports_what_the_corpus_does(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_read_back(settings, 1))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    main(["flows", "replay", "trex", "--version", "1", "--json"])
    from_database = json.loads(capsys.readouterr().out)
    main(["flows", "replay", "trex", "--version", "1", "--corpus", str(CORPUS), "--json"])
    from_corpus = json.loads(capsys.readouterr().out)
    assert from_database == from_corpus
    assert from_database["sessions"] == from_database["followed"] == len(SESSIONS)


def test_a_bad_corpus_or_version_is_named_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"sessions": [{"session_id": "s", "workflow": "trex"}]}))
    for argv, named in (
        (["--corpus", str(bad)], "bad.json.sessions[0].rows: required, a list"),
        (["--corpus", str(tmp_path / "none.json")], "No such file"),
        (["--from-version", "7"], "no version 7 of 'trex' is defined"),
    ):
        with pytest.raises(SystemExit) as refused:
            main(["flows", "replay", "trex", "--version", "1", *argv])
        assert refused.value.code == 2
        assert named in capsys.readouterr().err
