from dataclasses import replace
from typing import Any

import pytest

from vehicles.demo_stock import Inventory, generate_inventory
from vehicles.models import (
    Dealer,
    SearchCriteria,
    UnknownDealerError,
    Vehicle,
)
from vehicles.search import matches, relevance, search

NEAR = Dealer("dlr-001", "Midtown Motors", "10001", "New York", "NY", 10)
MIDDLE = Dealer("dlr-002", "Liberty Auto Group", "19103", "Philadelphia", "PA", 10)
FAR = Dealer("dlr-003", "Harbor Motors", "90012", "Los Angeles", "CA", 10)
DEALERS = {dealer.id: dealer for dealer in (NEAR, MIDDLE, FAR)}

BASE = Vehicle(
    id="veh-0000",
    vin="1HGCM82633A004352",
    make="Toyota",
    model="Camry",
    year=2020,
    price=20_000,
    mileage=50_000,
    fuel_type="gasoline",
    body_type="sedan",
    seats=5,
    transmission="automatic",
    drivetrain="fwd",
    features=("automatic",),
    color="white",
    dealer_id="dlr-001",
)


def car(vehicle_id: str, **changes: Any) -> Vehicle:
    return replace(BASE, id=vehicle_id, **changes)


def ids(vehicles: list[Vehicle], criteria: SearchCriteria, page_size: int = 50) -> list[str]:
    result = search(vehicles, DEALERS, criteria, page_size=page_size)
    return [item.vehicle.id for item in result.vehicles]


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return generate_inventory()


def test_make_and_model_match_exactly_ignoring_case() -> None:
    vehicles = [
        car("veh-0001"),
        car("veh-0002", model="Camry Solara"),
        car("veh-0003", make="Honda", model="Accord"),
    ]

    assert ids(vehicles, SearchCriteria(make="toyota", model="CAMRY")) == ["veh-0001"]
    assert ids(vehicles, SearchCriteria(make="Toy")) == []


@pytest.mark.parametrize(
    ("criterion", "failing"),
    [
        ({"year_min": 2019}, {"year": 2018}),
        ({"year_max": 2021}, {"year": 2022}),
        ({"price_max": 20_000}, {"price": 20_050}),
        ({"mileage_max": 50_000}, {"mileage": 50_001}),
        ({"fuel_type": "gasoline"}, {"fuel_type": "hybrid"}),
        ({"body_type": "sedan"}, {"body_type": "wagon"}),
    ],
)
def test_each_filter_keeps_the_match_and_drops_the_other(
    criterion: dict[str, Any], failing: dict[str, Any]
) -> None:
    vehicles = [car("veh-0001"), car("veh-0002", **failing)]
    criteria = replace(SearchCriteria(make="Toyota"), **criterion)

    assert ids(vehicles, criteria) == ["veh-0001"]


@pytest.mark.parametrize(
    "criteria",
    [
        SearchCriteria(make="Ford", model="F-150"),
        SearchCriteria(make="Toyota", year_min=2020, year_max=2023),
        SearchCriteria(make="Honda", price_max=15_000),
        SearchCriteria(make="Chevrolet", mileage_max=40_000),
        SearchCriteria(make="Tesla", body_type="suv"),
        SearchCriteria(make="Toyota", fuel_type="hybrid"),
    ],
)
def test_filters_narrow_the_real_inventory(inventory: Inventory, criteria: SearchCriteria) -> None:
    everything = search(inventory.vehicles, inventory.dealer_map(), SearchCriteria(criteria.make))
    result = search(inventory.vehicles, inventory.dealer_map(), criteria, page_size=1000)

    assert 0 < result.total < everything.total
    assert all(matches(item.vehicle, criteria) for item in result.vehicles)
    expected = sum(1 for vehicle in inventory.vehicles if matches(vehicle, criteria))
    assert result.total == len(result.vehicles) == expected


def test_relevance_rewards_newer_years_and_lower_mileage() -> None:
    assert relevance(car("a", year=2026, mileage=0), 2016, 2026, 100_000) == 100
    assert relevance(car("b", year=2016, mileage=100_000), 2016, 2026, 100_000) == 0
    assert relevance(car("c", year=2021, mileage=50_000), 2016, 2026, 100_000) == 50
    assert relevance(car("d", year=2020, mileage=0), 2020, 2020, 0) == 100


def test_relevance_outranks_price() -> None:
    vehicles = [
        car("veh-0001", year=2012, mileage=150_000, price=5_000),
        car("veh-0002", year=2026, mileage=1_000, price=40_000),
    ]

    assert ids(vehicles, SearchCriteria(make="Toyota")) == ["veh-0002", "veh-0001"]


def test_price_decides_within_a_relevance_bucket() -> None:
    criteria = SearchCriteria(make="Toyota", year_min=2016, year_max=2026, mileage_max=100_000)
    vehicles = [
        car("veh-0001", year=2026, mileage=10_000, price=30_000),  # relevance 95
        car("veh-0002", year=2026, mileage=12_000, price=28_000),  # relevance 94
        car("veh-0003", year=2021, mileage=50_000, price=10_000),  # relevance 50
    ]

    assert ids(vehicles, criteria) == ["veh-0002", "veh-0001", "veh-0003"]


def test_distance_decides_between_equal_relevance_and_price() -> None:
    vehicles = [
        car("veh-0001", dealer_id=FAR.id),
        car("veh-0002", dealer_id=NEAR.id),
        car("veh-0003", dealer_id=MIDDLE.id),
    ]

    near_first = search(vehicles, DEALERS, SearchCriteria(make="Toyota", zip="10001"))
    without_zip = ids(vehicles, SearchCriteria(make="Toyota"))

    assert [item.vehicle.id for item in near_first.vehicles] == ["veh-0002", "veh-0003", "veh-0001"]
    distances = [item.distance_miles for item in near_first.vehicles]
    assert distances[0] == 0
    assert distances[1] == pytest.approx(80, abs=10)
    assert without_zip == ["veh-0001", "veh-0002", "veh-0003"]


def test_distance_is_left_out_without_a_known_zip() -> None:
    result = search([car("veh-0001")], DEALERS, SearchCriteria(make="Toyota", zip="00000"))

    assert result.vehicles[0].distance_miles is None
    assert result.vehicles[0].dealer == NEAR


def test_pages_cover_all_matches_once_in_order() -> None:
    vehicles = [car(f"veh-{n:04d}", price=10_000 + n * 100) for n in range(1, 26)]
    criteria = SearchCriteria(make="Toyota")

    pages = [search(vehicles, DEALERS, criteria, page=n, page_size=10) for n in (1, 2, 3, 4)]

    assert [len(page.vehicles) for page in pages] == [10, 10, 5, 0]
    assert {page.total for page in pages} == {25}
    assert [page.page for page in pages] == [1, 2, 3, 4]
    seen = [item.vehicle.id for page in pages for item in page.vehicles]
    assert seen == [f"veh-{n:04d}" for n in range(1, 26)]


@pytest.mark.parametrize(("page", "page_size"), [(0, 10), (1, 0)])
def test_bad_paging_is_refused(page: int, page_size: int) -> None:
    with pytest.raises(ValueError, match="page"):
        search([car("veh-0001")], DEALERS, SearchCriteria(make="Toyota"), page, page_size)


def test_no_matches_offers_relaxations_with_counts_most_first() -> None:
    vehicles = [
        car("veh-0001", price=30_000),
        car("veh-0002", fuel_type="hybrid", price=15_000),
        car("veh-0003", fuel_type="hybrid", price=18_000),
        car("veh-0004", body_type="wagon", fuel_type="diesel", price=25_000),
    ]
    criteria = SearchCriteria(make="Toyota", price_max=20_000, fuel_type="gasoline", model="Camry")

    none = search(vehicles, DEALERS, criteria)

    assert (none.total, none.vehicles) == (0, ())
    assert [(r.field, r.matches, r.label) for r in none.relaxations] == [
        ("fuel_type", 2, "Any fuel type (2 matches)"),
        ("price_max", 1, "Remove the maximum price (1 match)"),
    ]


def test_relaxations_are_empty_when_something_matches() -> None:
    result = search([car("veh-0001")], DEALERS, SearchCriteria(make="Toyota", price_max=25_000))

    assert result.total == 1
    assert result.relaxations == ()


def test_unknown_dealer_is_reported() -> None:
    with pytest.raises(UnknownDealerError, match="dlr-404"):
        search([car("veh-0001", dealer_id="dlr-404")], DEALERS, SearchCriteria(make="Toyota"))


def test_criteria_from_step_answers() -> None:
    answers: dict[str, object] = {
        "make": "Toyota",
        "model": "",
        "year_min": 2018,
        "price_max": "25000",
        "fuel_type": "hybrid",
        "zip": "10001",
    }

    assert SearchCriteria.from_answers(answers) == SearchCriteria(
        make="Toyota", year_min=2018, price_max=25_000, fuel_type="hybrid", zip="10001"
    )
    with pytest.raises(ValueError, match="make"):
        SearchCriteria.from_answers({"model": "Camry"})
    with pytest.raises(TypeError, match="year_min"):
        SearchCriteria.from_answers({"make": "Toyota", "year_min": True})
    with pytest.raises(ValueError, match="price_max"):
        SearchCriteria.from_answers({"make": "Toyota", "price_max": "cheap"})
