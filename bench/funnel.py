"""The funnel's answer time for a month of a busy site: 30 days × 2,000 sessions of history
written straight into a fresh database, folded, then asked.

    .venv/bin/python -m bench.funnel [--days 30] [--sessions 2000] [DATABASE_URL from the env]

Prints the time of the first fold of the whole backlog (once, at deployment), of the month's
answer once folded, and of an answer after 200 new transitions (each answer folds what is new
first, so it is exact)."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from app.bootstrap import now, prepare_database
from app.db.database import Database
from app.db.tables import HISTORY, SESSIONS
from app.db.unit_of_work import SqlStorage
from app.services.funnel import Funnel
from app.services.host_sites import HostSites
from app.settings import Settings
from workflows import registry

START = datetime(2026, 11, 1, tzinfo=UTC)
PATHS = (
    ("intent_selection", "vehicle_knowledge", "vehicle_search", "search_results",
     "vehicle_selection", "buying_confirmation", "buying_complete"),
    ("intent_selection", "vehicle_knowledge", "vehicle_search", "search_results"),
    ("intent_selection", "vehicle_knowledge", "carin_questions", "carin_results",
     "vehicle_selection", "buying_confirmation", "buying_complete"),
    ("intent_selection", "has_buyer", "buyer_type", "private_buyer_details", "financing_needs",
     "selling_confirmation", "replacement_check", "selling_complete"),
    ("intent_selection", "has_buyer", "dealer_network", "credit_consent"),
    ("intent_selection",),
)  # fmt: skip


def _session(day: int, rng: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    sid, path = str(uuid.uuid4()), rng.choice(PATHS)
    at = START + timedelta(days=day, seconds=rng.uniform(0, 86_000))
    row = {
        "id": sid, "token_hash": "x" * 64, "workflow": "trex", "definition_version": 1,
        "current_step": path[-1], "status": "active", "answers": {}, "path": list(path),
        "context": {}, "host_site_id": "demo", "created_at": at, "updated_at": at,
    }  # fmt: skip
    empty: dict[str, Any] = {"input": {}, "result": {}}
    first = {"session_id": sid, "action": "start", "from_step": None, "to_step": path[0]}
    moves = [{**first, "at": at, **empty}]
    for left, entered in pairwise(path):
        at += timedelta(seconds=rng.lognormvariate(3, 1))
        moves.append(
            {"session_id": sid, "action": "transition", "from_step": left, "to_step": entered,
             "at": at, **empty}
        )  # fmt: skip
    return row, moves


async def _write(db: Database, days: int, per_day: int) -> int:
    rng, written = random.Random(14), 0
    for day in range(days):
        sessions, history = [], []
        for _ in range(per_day):
            row, moves = _session(day, rng)
            sessions.append(row)
            history += moves
        async with db.write() as session:
            await session.execute(insert(SESSIONS), sessions)
            await session.execute(insert(HISTORY), history)
        written += len(history)
    return written


async def main(days: int, per_day: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="trex-funnel-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{folder / 'funnel.db'}"
    db = await prepare_database(Settings(database_url=url))
    storage = SqlStorage(db)
    funnel = Funnel(storage, HostSites(storage, now), registry.default(), now)
    rows = await _write(db, days, per_day)
    first, last = START.date(), (START + timedelta(days=days - 1)).date()
    began = time.perf_counter()
    await funnel.fold()
    backlog = time.perf_counter() - began
    answers = []
    for _ in range(5):
        began = time.perf_counter()
        report = await funnel.report(first, last, "demo")
        answers.append(time.perf_counter() - began)
    await _write(db, 1, 40)  # about 200 new history rows
    began = time.perf_counter()
    await funnel.report(first, last, "demo")
    fresh = time.perf_counter() - began
    (figures,) = report.funnels
    print(f"{days} days × {per_day} sessions: {rows} history rows, {figures.started} started")
    print(f"first fold of the backlog: {backlog:.1f} s ({rows / backlog:,.0f} rows/s)")
    print(f"the month's answer, folded: median {sorted(answers)[2] * 1000:.0f} ms")
    print(f"the answer after ~200 new rows (folded first): {fresh * 1000:.0f} ms")
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=2000, help="sessions a day")
    args = parser.parse_args()
    asyncio.run(main(args.days, args.sessions))
