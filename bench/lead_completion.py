"""Time from lead submission to COMPLETED, with the sandbox services at their default latency.

Walks buying flows to their confirmation, submits, and follows the session's events until the
lead is COMPLETED (submitted to the CRM, then scored, routed and contacted in parallel).
Bounded: LEADS flows, CONCURRENCY at a time, each given at most 30 s.

    .venv/bin/python -m bench.lead_completion [--leads 40] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from app.bootstrap import Container, bootstrap
from app.settings import Settings
from bench.transition_latency import close, percentiles
from tests.stack import unrefusing
from tests.support.answers import CONTACT
from workflows.commands import StartWorkflow, Transition
from workflows.outcomes import Caller, Moved, ResultsData


async def one_lead(container: Container, index: int) -> float:
    service = container.service
    started = await service.start(StartWorkflow("buying", None, Caller()))
    assert isinstance(started, Moved)
    session_id, token = started.view.session.id, started.view.session.token
    await service.transition(
        Transition(session_id, token, "vehicle_knowledge", {"knows_vehicle": True}, None)
    )
    found = await service.transition(
        Transition(session_id, token, "vehicle_search", {"make": "Toyota"}, None)
    )
    assert isinstance(found, Moved)
    assert isinstance(found.view.data, ResultsData)
    vehicle = found.view.data.vehicles[index % len(found.view.data.vehicles)].id
    await service.transition(
        Transition(session_id, token, "search_results", {"page": 1 + index // 10}, None)
    )
    await service.transition(
        Transition(session_id, token, "search_results", {"vehicle_id": vehicle}, None)
    )
    await service.transition(
        Transition(session_id, token, "vehicle_selection", {"confirm": True}, None)
    )
    before = await service.current(session_id, token)
    assert isinstance(before, Moved)
    updates = service.updates(session_id, token, before.view.session.seq)
    submitted = time.perf_counter()
    done = await service.transition(
        Transition(session_id, token, "buying_confirmation", CONTACT, None)
    )
    assert isinstance(done, Moved), done
    async with asyncio.timeout(30):
        async for update in updates:
            if update.lead is not None and update.lead.status == "COMPLETED":
                return time.perf_counter() - submitted
    raise AssertionError("the lead never completed")


async def measure(leads: int, concurrency: int) -> list[float]:
    """Seconds from submission to COMPLETED for `leads` flows, `concurrency` at a time."""
    with tempfile.TemporaryDirectory() as folder:
        # Every lead has the same contact: the per-client caps must not refuse them.
        database = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        settings = unrefusing(Settings(database_url=database))
        container = await bootstrap(settings)
        gate = asyncio.Semaphore(concurrency)

        async def bounded(index: int) -> float:
            async with gate:
                return await one_lead(container, index)

        try:
            async with asyncio.timeout(60 + leads * 30 / concurrency):
                timings = await asyncio.gather(*(bounded(index) for index in range(leads)))
        finally:
            await close(container)
    return list(timings)


async def main(leads: int, concurrency: int) -> None:
    timings = await measure(leads, concurrency)
    print(f"submission → COMPLETED ({concurrency} at a time):", percentiles(timings))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=4)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.leads, arguments.concurrency))
