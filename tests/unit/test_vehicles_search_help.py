"""Search that helps: the orders a search offers, "any" and the old fuel name, relaxations as
one-tap answers, criteria as labelled chips (vehicles/search.py, vehicles/criteria.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.unit.test_vehicles_search import DEALERS, FAR, MIDDLE, NEAR, car
from vehicles.criteria import chips
from vehicles.models import SearchCriteria, Vehicle
from vehicles.search import search, sort_for, sorts_for


def order(vehicles: list[Vehicle], criteria: SearchCriteria, sort: str | None = None) -> list[str]:
    result = search(vehicles, DEALERS, criteria, page_size=50, sort=sort)
    return [item.vehicle.id for item in result.vehicles]


# Relevance (year and mileage), price and distance each put another vehicle first.
SPREAD = [
    car("veh-new", year=2026, mileage=1_000, price=40_000, dealer_id=FAR.id),
    car("veh-cheap", year=2014, mileage=140_000, price=6_000, dealer_id=MIDDLE.id),
    car("veh-near", year=2018, mileage=90_000, price=15_000, dealer_id=NEAR.id),
]


def test_each_sort_orders_by_its_own_measure_first() -> None:
    near_me = SearchCriteria(make="Toyota", zip="10001")

    assert order(SPREAD, near_me, "relevance") == ["veh-new", "veh-near", "veh-cheap"]
    assert order(SPREAD, near_me, "price") == ["veh-cheap", "veh-near", "veh-new"]
    assert order(SPREAD, near_me, "distance") == ["veh-near", "veh-cheap", "veh-new"]


def test_distance_is_the_default_with_a_zip_and_offered_only_then() -> None:
    near_me, anywhere = SearchCriteria(make="Toyota", zip="10001"), SearchCriteria(make="Toyota")

    assert order(SPREAD, near_me) == ["veh-near", "veh-cheap", "veh-new"]
    assert search(SPREAD, DEALERS, near_me).sort == "distance"
    assert sorts_for(near_me) == ("relevance", "price", "distance")
    assert sorts_for(anywhere) == ("relevance", "price")
    # Without a ZIP code, distance (or anything unknown) falls back to relevance.
    assert sort_for(anywhere, "distance") == sort_for(anywhere, "cheapest") == "relevance"
    assert order(SPREAD, anywhere, "distance") == ["veh-new", "veh-near", "veh-cheap"]


def test_unknown_distances_come_last_when_sorting_by_distance() -> None:
    vehicles = [car("veh-a", dealer_id="dlr-009"), car("veh-b", dealer_id=NEAR.id)]
    dealers = {**DEALERS, "dlr-009": replace(NEAR, id="dlr-009", zip="00000")}

    found = search(vehicles, dealers, SearchCriteria(make="Toyota", zip="10001"))

    assert [item.vehicle.id for item in found.vehicles] == ["veh-b", "veh-a"]
    assert found.vehicles[1].distance_miles is None


def test_any_fuel_filters_nothing_and_petrol_is_gasoline() -> None:
    vehicles = [
        car("veh-gas"),
        car("veh-old", fuel_type="petrol"),
        car("veh-ev", fuel_type="electric"),
    ]

    def found(fuel: object) -> list[str]:
        criteria = SearchCriteria.from_answers({"make": "Toyota", "fuel_type": fuel})
        return sorted(order(vehicles, criteria))

    assert found("any") == found("ANY") == found(None) == ["veh-ev", "veh-gas", "veh-old"]
    assert found("gasoline") == found("petrol") == ["veh-gas", "veh-old"]
    assert SearchCriteria.from_answers({"make": "Toyota", "fuel_type": "petrol"}).fuel_type == (
        "gasoline"
    )


def test_a_relaxation_carries_what_it_drops_and_the_answers_that_drop_it() -> None:
    vehicles = [car("veh-1", fuel_type="hybrid"), car("veh-2", fuel_type="hybrid", price=30_000)]
    criteria = SearchCriteria(make="Toyota", fuel_type="electric", price_max=25_000)

    none = search(vehicles, DEALERS, criteria)

    assert [(r.field, r.drops, dict(r.answers), r.matches) for r in none.relaxations] == [
        ("fuel_type", ("fuel_type",), {"remove": "fuel_type"}, 1),
    ]
    assert none.relaxations[0].label == "Any fuel type (1 match)"
    # Taking it gives what it promised.
    widened = replace(criteria, fuel_type=None)
    assert search(vehicles, DEALERS, widened).total == none.relaxations[0].matches


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"price_max": 25_000}, ["Max price: $25,000"]),
        ({"price_max": 24_999.5}, ["Max price: $24,999.50"]),
        ({"fuel_type": "hybrid"}, ["Fuel type: Hybrid"]),
        ({"fuel_type": "petrol"}, ["Fuel type: Gasoline"]),
        ({"fuel_type": "any"}, []),
        ({"body_type": "suv"}, ["Body type: SUV"]),
        ({"body_type": "van"}, ["Body type: Minivan or van"]),
        ({"mileage_max": 60_000}, ["Max mileage: 60,000 mi"]),
        ({"year_min": 2018, "year_max": 2022}, ["From year: 2018", "To year: 2022"]),
        ({"model": "", "zip": "10001"}, ["Near ZIP: 10001"]),
        ({"must_haves": ["awd", "third_row"]}, ["Must-haves: All-wheel drive, Third-row seats"]),
        ({"budget_max": 30_000, "passengers": 5}, ["Budget: $30,000", "Passengers: 5"]),
        ({"manufacturer": "Toyota Motor"}, []),
    ],
)
def test_chips_read_as_label_and_value(answers: dict[str, Any], expected: list[str]) -> None:
    assert [chip.text for chip in chips(answers)] == expected


def test_chips_follow_the_form_order_and_only_the_named_ones_are_removable() -> None:
    answers = {"fuel_type": "diesel", "make": "Ford", "price_max": 20_000}

    found = chips(answers, removable=("price_max", "fuel_type"))

    assert [(c.field, c.removable) for c in found] == [
        ("make", False),
        ("price_max", True),
        ("fuel_type", True),
    ]
    assert [(c.label, c.value) for c in found] == [
        ("Make", "Ford"),
        ("Max price", "$20,000"),
        ("Fuel type", "Diesel"),
    ]
