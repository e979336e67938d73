"""A client that renders only `fields` (API.md's fallback) gets every choice it can answer:
the catalogue's makes, the chosen make's models, the dealers, the vehicles listed on the page."""

from __future__ import annotations

from typing import Any

from tests.e2e.client import Api
from tests.e2e.walk import walk_to
from tests.support.answers import MAKES, SEARCH


def _options(step: dict[str, Any], name: str) -> list[str] | None:
    (spec,) = [spec for spec in step["fields"] if spec["name"] == name]
    options = spec["options"]
    return None if options is None else [option["value"] for option in options]


async def test_makes_are_listed_and_models_follow_the_chosen_make(api: Api) -> None:
    flow = await walk_to(api, "vehicle_search")
    makes = _options(flow.step, "make")
    assert makes is not None
    assert set(MAKES) <= set(makes)
    assert _options(flow.step, "model") is None  # no make chosen yet
    await flow.submit(SEARCH)
    listed = _options(flow.step, "vehicle_id")
    assert listed == [vehicle["id"] for vehicle in flow.step["vehicles"]]
    assert listed
    await flow.submit({"refine": True})
    assert flow.step_id == "vehicle_search"
    models = _options(flow.step, "model")
    assert models is not None
    assert "Corolla" in models
    assert "Civic" not in models  # a Honda


async def test_the_dealers_are_the_options_of_the_dealer_field(api: Api) -> None:
    flow = await walk_to(api, "dealer_information")
    dealers = _options(flow.step, "dealer_id")
    assert dealers == [dealer["id"] for dealer in flow.step["dealers"]]
    assert dealers
