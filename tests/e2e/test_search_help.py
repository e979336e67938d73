"""Search that helps, over GraphQL on trex v2 (FLOWS.md `vehicle_search`, `search_results`):
a search with no match fixed by submitting a relaxation's answers, a criterion chip removed,
results sorted by price, and the page and sort kept after looking at a vehicle."""

from __future__ import annotations

from typing import Any

from tests.e2e.client import Api, Flow
from tests.e2e.walk import walk_to

Json = dict[str, Any]
RESULTS = """
query Results($sessionId: ID!) {
  session(sessionId: $sessionId) {
    __typename
    ... on VehicleResultsStep {
      stepId total page sort sorts
      chips { field label value text removable }
      relaxations { field matches label drops answers }
      vehicles { id price distanceMiles }
    }
  }
}"""


async def searched(api: Api, criteria: Json) -> Flow:
    flow = await walk_to(api, "vehicle_search")
    assert flow.step["session"]["version"] == 2, flow.step["session"]
    await flow.submit(criteria)
    assert flow.step_id == "search_results", flow.step
    return flow


async def results(flow: Flow) -> Json:
    data = await flow.api.execute(RESULTS, {"sessionId": flow.session_id}, flow.token)
    step: Json = data["session"]
    assert step["stepId"] == "search_results", step
    return step


async def test_a_search_with_no_match_is_fixed_by_one_relaxation(api: Api) -> None:
    flow = await searched(api, {"make": "Honda", "model": "Pilot", "fuel_type": "hybrid"})
    shown = await results(flow)
    assert shown["total"] == 0
    assert [chip["text"] for chip in shown["chips"]] == [
        "Make: Honda",
        "Model: Pilot",
        "Fuel type: Hybrid",
    ]
    (offer,) = [r for r in shown["relaxations"] if r["field"] == "fuel_type"]
    assert (offer["answers"], offer["drops"]) == ({"remove": "fuel_type"}, ["fuel_type"])
    assert offer["label"].startswith("Any fuel type (")

    await flow.submit(offer["answers"])

    widened = await results(flow)
    assert widened["total"] == offer["matches"] > 0
    assert [chip["field"] for chip in widened["chips"]] == ["make", "model"]
    await flow.submit({"refine": True})
    assert flow.step_id == "vehicle_search"
    assert flow.step["values"] == {"make": "Honda", "model": "Pilot", "fuel_type": "any"}


async def test_a_chip_is_removed_and_stays_removed_across_pages(api: Api) -> None:
    flow = await searched(api, {"make": "Ford", "price_max": 40_000, "body_type": "suv"})
    chips = {chip["field"]: chip for chip in (await results(flow))["chips"]}
    assert chips["price_max"]["text"] == "Max price: $40,000"
    assert chips["body_type"]["text"] == "Body type: SUV"
    assert (chips["make"]["removable"], chips["body_type"]["removable"]) == (False, True)

    await flow.submit({"remove": "body_type"})
    first = await results(flow)
    await flow.submit({"page": 2})
    second = await results(flow)

    assert [chip["field"] for chip in first["chips"]] == ["make", "price_max"]
    assert (second["page"], second["chips"]) == (2, first["chips"])


async def test_sorted_by_price_the_page_and_sort_survive_a_look_at_a_vehicle(api: Api) -> None:
    flow = await searched(api, {"make": "Toyota", "zip": "10001"})
    shown = await results(flow)
    assert (shown["sort"], shown["sorts"]) == ("distance", ["relevance", "price", "distance"])
    distances = [vehicle["distanceMiles"] for vehicle in shown["vehicles"]]
    assert distances == sorted(distances)

    await flow.submit({"sort": "price"})
    await flow.submit({"page": 2})
    shown = await results(flow)
    prices = [vehicle["price"] for vehicle in shown["vehicles"]]
    assert (shown["sort"], shown["page"], prices) == ("price", 2, sorted(prices))
    chosen = shown["vehicles"][0]["id"]

    await flow.submit({"vehicle_id": chosen})
    assert flow.step_id == "vehicle_selection"
    await flow.back()
    again = await results(flow)
    assert (again["page"], again["sort"]) == (2, "price")

    await flow.submit({"vehicle_id": chosen})
    await flow.submit({"confirm": False})
    again = await results(flow)
    assert (again["page"], again["sort"]) == (2, "price")
    assert chosen in [vehicle["id"] for vehicle in again["vehicles"]]


async def test_a_sort_or_criterion_the_step_does_not_know_is_refused(api: Api) -> None:
    flow = await searched(api, {"make": "Ford"})
    for data, field in (({"sort": "cheapest"}, "sort"), ({"remove": "make"}, "remove")):
        result = await flow.submit(data)
        assert result["__typename"] == "ValidationFailed", result
        assert [error["field"] for error in result["errors"]] == [field]
