"""Record the shadow replay's corpus: real sessions walked over the API of a test server, their
histories read back from its database as the history store gives them, written as JSON.

    .venv/bin/python -m tests.support.record_corpus [--out tests/corpus/trex_v1_sessions.json]

The sessions: every model path of the definition (every entry, branch, loop, credit outcome's
resumption and business rejection: tests/model), one session stopped at each step that takes
input (tests/e2e/walk.py), and one going back from each step that allows it and answering again.
Regenerate it when the definition it was recorded on changes; commit the file.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

import httpx

from app.db.unit_of_work import SqlStorage
from app.services.replay import corpus_json, recorded_sessions
from tests.e2e.client import Api
from tests.e2e.conftest import quick_settings, start_server
from tests.e2e.walk import WORKFLOW, route_to, valid_answer, walk_to
from tests.model.runner import run_path
from tests.model.trex_model import plan_for
from tests.support.model_paths import Transition
from workflows.replay import RecordedSession

OUT = Path(__file__).parents[1] / "corpus" / f"{WORKFLOW.name}_v{WORKFLOW.version}_sessions.json"
BACK_FROM = ("vehicle_search", "carin_results", "buyer_type", "credit_check", "credit_consent")


def input_steps() -> list[str]:
    """The steps that take an answer and that a walk knows a way to."""
    steps = []
    for step in WORKFLOW.steps.values():
        if step.terminal or step.awaits is not None:
            continue
        try:
            route_to(step.id)
        except AssertionError:
            continue
        steps.append(step.id)
    return steps


async def walk(api: Api) -> None:
    taken: set[Transition] = set()
    for path in plan_for(WORKFLOW).paths:
        await run_path(api, WORKFLOW, path, taken)
    for step_id in input_steps():
        await walk_to(api, step_id)  # stopped there
    for step_id in BACK_FROM:
        flow = await walk_to(api, step_id)
        await flow.back()
        await flow.submit(valid_answer(flow))


async def record() -> list[RecordedSession]:
    with tempfile.TemporaryDirectory() as folder:
        server = await start_server(quick_settings(Path(folder)))
        try:
            async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
                await walk(Api(http, server.ws_url))
            storage = SqlStorage(server.container.db)
            sessions = await recorded_sessions(storage, WORKFLOW.name, WORKFLOW.version)
        finally:
            await server.stop()
    return sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    sessions = asyncio.run(record())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(corpus_json(sessions), encoding="utf-8")
    rows = sum(len(s.rows) for s in sessions)
    print(f"{len(sessions)} sessions, {rows} history rows -> {args.out}")


if __name__ == "__main__":
    main()
