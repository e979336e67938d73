"""The search results step of trex version 2, walked through the real service on memory
storage with the demo stock: a search with no match fixed in one tap, removing a criterion for
good, sorting, and the page and sort kept when the visitor comes back from a vehicle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from app.bus.event_bus import EventBus
from app.services.effects import Effects
from app.services.host_sites import HostSites
from app.services.inventory import InventoryService
from app.services.lead_limits import LeadLimits
from app.services.rates import ServiceRates
from app.services.session_cache import SessionCache
from app.services.session_events import SessionEvents
from app.services.step_views import ViewBuilder
from app.services.workflow import WorkflowService, workflow_service
from app.tasks import TaskRunner
from tests.support.memory_service import T0, Clock, Unread
from tests.support.memory_storage import MemoryStorage
from vehicles.demo_stock import generate_inventory
from workflows.commands import Back, StartWorkflow, Transition
from workflows.outcomes import Invalid, Moved, ResultsData, StepView
from workflows.registry import Registry, Release, definition


class NoHolds:
    """Inventory storage where every vehicle is available."""

    @dataclass
    class _Inventory:
        async def unavailable_ids(self, now: datetime) -> set[str]:
            return set()

    @dataclass
    class _Read:
        inventory: NoHolds._Inventory

    @asynccontextmanager
    async def read(self) -> AsyncIterator[NoHolds._Read]:
        yield NoHolds._Read(NoHolds._Inventory())


class NoCredit:
    async def run_check(self, *args: object) -> None:
        raise AssertionError("the search asks for no credit check")


@dataclass
class Visitor:
    service: WorkflowService
    session: tuple[str, str]
    view: StepView

    async def submit(self, data: dict[str, object]) -> StepView:
        step = self.view.step.id
        outcome = await self.service.transition(Transition(*self.session, step, data))
        assert isinstance(outcome, Moved), outcome
        self.view = outcome.view
        return self.view

    async def back(self) -> StepView:
        outcome = await self.service.back(Back(*self.session, self.view.step.id))
        assert isinstance(outcome, Moved), outcome
        self.view = outcome.view
        return self.view

    @property
    def results(self) -> ResultsData:
        assert isinstance(self.view.data, ResultsData), self.view.step.id
        return self.view.data


def service() -> WorkflowService:
    stock = generate_inventory()
    flows = Registry.of([Release(definition("trex", 1)), Release(definition("trex", 2))])
    inventory = InventoryService(NoHolds(), stock.vehicles, stock.dealers)  # type: ignore[arg-type]
    storage, clock = MemoryStorage(), Clock()
    return workflow_service(
        flows=flows,
        storage=storage,
        inventory=inventory,
        effects=Effects(inventory, NoCredit()).bindings(),
        views=ViewBuilder(flows, inventory, storage, lambda: T0.date()),
        events=SessionEvents(storage, EventBus(), clock, None),
        tasks=TaskRunner(),
        sites=HostSites(Unread(), clock),
        clock=clock,
        cache=SessionCache(),
        limits=LeadLimits(),
        rates=ServiceRates(),
    )


async def searched(criteria: dict[str, object]) -> Visitor:
    server = service()
    started = await server.start(StartWorkflow("buying"))
    assert isinstance(started, Moved)
    token = started.view.session.token
    assert token is not None
    visitor = Visitor(server, (started.view.session.id, token), started.view)
    assert visitor.view.session.version == 2
    await visitor.submit({"knows_vehicle": True})
    fuel = visitor.view.step.field_named("fuel_type")
    assert fuel is not None
    assert fuel.default == "any"  # shown checked on the form
    await visitor.submit(criteria)
    assert visitor.view.step.id == "search_results"
    return visitor


async def test_a_search_with_no_match_is_fixed_in_one_tap_and_the_criterion_stays_gone() -> None:
    visitor = await searched({"make": "Honda", "model": "Pilot", "fuel_type": "hybrid"})
    assert visitor.results.total == 0
    (offer,) = [r for r in visitor.results.relaxations if r.field == "fuel_type"]
    assert dict(offer.answers) == {"remove": "fuel_type"}
    assert offer.drops == ("fuel_type",)
    assert [c.text for c in visitor.results.chips] == [
        "Make: Honda",
        "Model: Pilot",
        "Fuel type: Hybrid",
    ]

    await visitor.submit(dict(offer.answers))

    assert visitor.view.step.id == "search_results"
    assert visitor.results.total == offer.matches > 10
    assert [c.field for c in visitor.results.chips] == ["make", "model"]
    await visitor.submit({"page": 2})
    assert (visitor.results.page, visitor.results.total) == (2, offer.matches)
    await visitor.submit({"refine": True})
    assert visitor.view.step.id == "vehicle_search"
    values = dict(visitor.view.values)
    assert values.pop("fuel_type", "any") == "any"  # gone: the form shows its default
    assert values == {"make": "Honda", "model": "Pilot"}


async def test_sorting_by_price_and_back_from_a_vehicle_returns_to_that_page_and_sort() -> None:
    visitor = await searched({"make": "Toyota", "zip": "10001"})
    assert (visitor.results.sort, visitor.results.sorts) == (
        "distance",
        ("relevance", "price", "distance"),
    )
    distances = [v.distance_miles or 0.0 for v in visitor.results.vehicles]
    assert distances == sorted(distances)

    await visitor.submit({"sort": "price"})
    await visitor.submit({"page": 2})
    prices = [v.price for v in visitor.results.vehicles]
    assert (visitor.results.sort, visitor.results.page, prices) == ("price", 2, sorted(prices))
    chosen = visitor.results.vehicles[3].id

    await visitor.submit({"vehicle_id": chosen})
    assert visitor.view.step.id == "vehicle_selection"
    await visitor.back()
    assert (visitor.results.page, visitor.results.sort) == (2, "price")
    assert chosen in [v.id for v in visitor.results.vehicles]

    await visitor.submit({"vehicle_id": chosen})
    await visitor.submit({"confirm": False})
    assert visitor.view.step.id == "search_results"
    assert (visitor.results.page, visitor.results.sort) == (2, "price")


async def test_a_chip_is_removed_in_one_tap_and_a_new_sort_starts_at_page_one() -> None:
    visitor = await searched({"make": "Ford", "price_max": 30_000, "body_type": "suv"})
    chips = {c.field: c for c in visitor.results.chips}
    assert chips["price_max"].text == "Max price: $30,000"
    assert chips["body_type"].text == "Body type: SUV"
    assert (chips["make"].removable, chips["price_max"].removable) == (False, True)
    before = visitor.results.total

    await visitor.submit({"page": 2})
    await visitor.submit({"remove": "body_type"})

    assert visitor.results.page == 1
    assert visitor.results.total > before
    assert [c.field for c in visitor.results.chips] == ["make", "price_max"]
    assert visitor.results.sort == "relevance"


async def test_an_unknown_sort_or_criterion_is_refused_naming_the_field() -> None:
    visitor = await searched({"make": "Ford"})
    server, session = visitor.service, visitor.session
    for data, field in (({"sort": "cheapest"}, "sort"), ({"remove": "make"}, "remove")):
        outcome = await server.transition(Transition(*session, "search_results", data))
        assert isinstance(outcome, Invalid), outcome
        assert [e.field for e in outcome.errors] == [field]
