"""The funnel on the real database (SQLite, or PostgreSQL with TREX_TEST_STACK=scaleout): the
figures of sessions walked through the workflow service are exactly what they did."""

from __future__ import annotations

import asyncio
import statistics
from collections import defaultdict
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select

from app.bootstrap import Container, bootstrap, now
from app.db.tables import HISTORY, LEADS
from app.db.unit_of_work import SqlStorage
from app.services.funnel import Funnel
from app.services.funnel_fold import bucket_of, bucket_value
from app.settings import Settings
from tests.support.answers import CONTACT, PRIVATE_BUYER, SEARCH, VEHICLE_TO_SELL
from workflows.commands import StartWorkflow, Transition
from workflows.funnel import FunnelFigures
from workflows.outcomes import Caller, Moved, ResultsData
from workflows.registry import definition

Walk = list[tuple[str, dict[str, Any]]]
TO_SEARCH: Walk = [
    ("intent_selection", {"intent": "buying"}),
    ("vehicle_knowledge", {"knows_vehicle": True}),
]
SELLING: Walk = [("intent_selection", {"intent": "selling"}), ("has_buyer", {"has_buyer": True})]
PRIVATE: Walk = [
    *SELLING,
    ("buyer_type", {"buyer_type": "private"}),
    ("private_buyer_details", PRIVATE_BUYER),
    ("financing_needs", {"needs_financing": False}),
    ("selling_confirmation", CONTACT),
    ("replacement_check", {"wants_replacement": False}),
]
DEALER: Walk = [
    *SELLING,
    ("buyer_type", {"buyer_type": "dealer"}),
    (
        "dealer_information",
        {"dealer_name": "Main St Motors", "offer_amount": 9_000, **VEHICLE_TO_SELL},
    ),
    ("dealer_sale_confirmation", CONTACT),
    ("replacement_check", {"wants_replacement": False}),
]


class Visitor:
    def __init__(self, container: Container) -> None:
        self._service = container.service
        self.session_id = self.token = ""
        self.view: Any = None

    async def start(self) -> Visitor:
        started = await self._service.start(StartWorkflow(None, None, Caller()))
        assert isinstance(started, Moved)
        assert started.view.session.token is not None
        self.session_id, self.token = started.view.session.id, started.view.session.token
        self.view = started.view
        return self

    async def walk(self, steps: Walk) -> None:
        for step, data in steps:
            moved = await self._service.transition(
                Transition(self.session_id, self.token, step, data, None)
            )
            assert isinstance(moved, Moved), moved
            self.view = moved.view

    async def buy(self, pick: int) -> None:
        """From the search to the lead, on the `pick`th listed vehicle."""
        await self.walk([("vehicle_search", SEARCH)])
        assert isinstance(self.view.data, ResultsData)
        vehicle = self.view.data.vehicles[pick].id
        await self.walk(
            [
                ("search_results", {"vehicle_id": vehicle}),
                ("vehicle_selection", {"confirm": True}),
                ("buying_confirmation", CONTACT),
            ]
        )


async def _walk_the_sessions(container: Container) -> list[Visitor]:
    """5 buying to the lead, 3 stopping at the search, 2 selling privately, 1 to a dealer;
    returns the 3 at the search."""
    for pick in range(5):
        buyer = await Visitor(container).start()
        await buyer.walk(TO_SEARCH)
        await buyer.buy(pick)
    at_search = []
    for _ in range(3):
        visitor = await Visitor(container).start()
        await visitor.walk(TO_SEARCH)
        at_search.append(visitor)
    for walk in (PRIVATE, PRIVATE, DEALER):
        await (await Visitor(container).start()).walk(walk)
    return at_search


def _only(report_funnels: tuple[FunnelFigures, ...]) -> FunnelFigures:
    (funnel,) = report_funnels
    return funnel


async def _figures(funnel: Funnel) -> FunnelFigures:
    today = now().date()
    return _only((await funnel.report(today, today, "demo")).funnels)


def _reached(figures: FunnelFigures) -> dict[str, int]:
    return {s.step: s.reached for s in figures.steps if s.reached}


def _dropped(figures: FunnelFigures) -> dict[str, int]:
    return {s.step: s.dropped for s in figures.steps if s.dropped}


def _branches(figures: FunnelFigures) -> dict[str, dict[str, int]]:
    return {b.name: dict(b.options) for b in figures.branches}


EXPECTED_REACHED = {
    "intent_selection": 11,
    "vehicle_knowledge": 8,
    "vehicle_search": 8,
    "search_results": 5,
    "vehicle_selection": 5,
    "buying_confirmation": 5,
    "buying_complete": 5,
    "has_buyer": 3,
    "buyer_type": 3,
    "private_buyer_details": 2,
    "financing_needs": 2,
    "selling_confirmation": 2,
    "dealer_information": 1,
    "dealer_sale_confirmation": 1,
    "replacement_check": 3,
    "selling_complete": 3,
}
EXPECTED_BRANCHES = {
    "intent": {"buying": 8, "selling": 3},
    "buyer": {"private": 2, "dealer": 1, "network": 0},
    "search": {"search": 8, "carin": 0},
}


async def _true_medians(container: Container) -> dict[str, float]:
    """Each step's nearest-rank median visit, computed from the history itself."""
    async with container.db.read() as session:
        rows = (
            await session.execute(select(HISTORY).order_by(HISTORY.c.session_id, HISTORY.c.id))
        ).all()
    visits: dict[str, list[float]] = defaultdict(list)
    by_session: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_session[row.session_id].append(row)
    for moves in by_session.values():
        step, entered = moves[0].to_step, moves[0].at
        for move in moves[1:]:
            if move.to_step != step:
                visits[step].append((move.at - entered).total_seconds())
                step, entered = move.to_step, move.at
    return {step: statistics.median_low(times) for step, times in visits.items()}


async def test_the_funnel_of_walked_sessions_is_exact(settings: Settings) -> None:
    container = await bootstrap(settings)
    try:
        await _walk_the_sessions(container)
        figures = await _figures(container.funnel)
        assert (figures.started, figures.leads) == (11, 8)
        assert _reached(figures) == EXPECTED_REACHED
        assert _dropped(figures) == {"vehicle_search": 3}
        assert _branches(figures) == EXPECTED_BRANCHES
        async with container.db.read() as session:
            leads = (
                await session.execute(select(func.count(func.distinct(LEADS.c.session_id))))
            ).scalar()
        assert leads == figures.leads
        medians = {s.step: s.median_seconds for s in figures.steps if s.median_seconds is not None}
        true = await _true_medians(container)
        assert medians == {step: bucket_value(bucket_of(value)) for step, value in true.items()}
    finally:
        await container.aclose()


async def test_folding_again_changes_nothing_and_new_moves_are_added(settings: Settings) -> None:
    container = await bootstrap(settings)
    try:
        at_search = await _walk_the_sessions(container)
        first = await _figures(container.funnel)
        assert await container.funnel.fold() == 0
        assert await _figures(container.funnel) == first
        await at_search[0].buy(0)
        await Visitor(container).start()
        later = await _figures(container.funnel)
        assert (later.started, later.leads) == (12, 9)
        assert _dropped(later) == {"vehicle_search": 2, "intent_selection": 1}
        assert _reached(later)["intent_selection"] == 12
        assert _reached(later)["buying_complete"] == 6
    finally:
        await container.aclose()


async def test_two_processes_folding_at_once_count_each_move_once(settings: Settings) -> None:
    container = await bootstrap(replace(settings, inprocess_workers=False))
    try:
        await _walk_the_sessions(container)
        storage, workflow = SqlStorage(container.db), definition("trex", 2)
        one, other = (Funnel(storage, container.sites, [workflow], now, batch=3) for _ in range(2))
        await asyncio.gather(one.fold(), other.fold())
        figures = await _figures(container.funnel)
        assert _reached(figures) == EXPECTED_REACHED
        assert _branches(figures) == EXPECTED_BRANCHES
    finally:
        await container.aclose()
