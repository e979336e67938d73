from dataclasses import replace
from typing import Any

import pytest

from vehicles.carin import CarInAnswers, rank
from vehicles.demo_stock import Inventory, generate_inventory
from vehicles.models import Dealer, SearchResult, Vehicle

NEAR = Dealer("dlr-001", "Midtown Motors", "10001", "New York", "NY", 10)
FAR = Dealer("dlr-002", "Harbor Motors", "90012", "Los Angeles", "CA", 10)
DEALERS = {dealer.id: dealer for dealer in (NEAR, FAR)}

BASE = Vehicle(
    id="veh-0000",
    vin="1HGCM82633A004352",
    make="Honda",
    model="Accord",
    year=2022,
    price=20_000,
    mileage=40_000,
    fuel_type="gasoline",
    body_type="sedan",
    seats=5,
    transmission="automatic",
    drivetrain="fwd",
    features=("automatic",),
    color="white",
    dealer_id=NEAR.id,
)


def car(vehicle_id: str, **changes: Any) -> Vehicle:
    return replace(BASE, id=vehicle_id, **changes)


def answers(**changes: object) -> dict[str, object]:
    return {"budget_max": 25_000, "primary_use": "commute", "passengers": 2, **changes}


def ranked_ids(result: SearchResult) -> list[str]:
    return [item.vehicle.id for item in result.vehicles]


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return generate_inventory()


@pytest.mark.parametrize(
    "asked",
    [
        answers(),
        answers(primary_use="family", passengers=5, zip="60601", must_haves=["heated_seats"]),
        answers(primary_use="towing", budget_max=40_000, fuel_preference="diesel"),
        answers(primary_use="leisure", fuel_preference="electric", annual_miles=30_000),
        answers(primary_use="business", budget_max=8_000, zip="99999"),
    ],
)
def test_scores_are_0_to_100_with_1_to_4_reasons_best_first(
    inventory: Inventory, asked: dict[str, object]
) -> None:
    result = rank(inventory.vehicles, inventory.dealer_map(), asked, page_size=1000)

    assert result.total == len(result.vehicles) > 0
    for item in result.vehicles:
        assert item.match_score is not None
        assert 0 <= item.match_score <= 100
        assert 1 <= len(item.match_reasons) <= 4
        assert all(reason.strip() for reason in item.match_reasons)
    order = [(-(item.match_score or 0), item.vehicle.price) for item in result.vehicles]
    assert order == sorted(order)


def test_ranking_is_deterministic(inventory: Inventory) -> None:
    asked = answers(primary_use="family", passengers=4, zip="10001")

    first = rank(inventory.vehicles, inventory.dealer_map(), asked)
    again = rank(inventory.vehicles, inventory.dealer_map(), asked)

    assert first == again


def test_family_of_seven_gets_only_cars_that_seat_seven(inventory: Inventory) -> None:
    asked = answers(primary_use="family", passengers=7, budget_max=35_000)

    result = rank(inventory.vehicles, inventory.dealer_map(), asked, page_size=1000)

    assert result.total > 10
    assert all(item.vehicle.seats >= 7 for item in result.vehicles)
    assert "Seats 7 — room for 7 passengers" in {
        reason for item in result.vehicles for reason in item.match_reasons
    }


def test_family_gets_seven_seaters_first() -> None:
    vehicles = [
        car("veh-0001", body_type="sedan"),
        car("veh-0002", body_type="suv"),
        car("veh-0003", body_type="suv", seats=7, features=("automatic", "third_row")),
        car("veh-0004", body_type="coupe", seats=4),
    ]

    result = rank(vehicles, DEALERS, answers(primary_use="family", passengers=4))

    assert ranked_ids(result) == ["veh-0003", "veh-0002", "veh-0001", "veh-0004"]
    assert "Third-row seating for the family" in result.vehicles[0].match_reasons


def test_towing_puts_towbar_vehicles_first(inventory: Inventory) -> None:
    asked = answers(primary_use="towing", budget_max=30_000)

    result = rank(inventory.vehicles, inventory.dealer_map(), asked, page_size=20)

    assert all("towbar" in item.vehicle.features for item in result.vehicles)
    assert all("Has a towbar for towing" in item.match_reasons for item in result.vehicles)


def test_vehicles_beyond_120_percent_of_budget_or_seats_are_excluded() -> None:
    vehicles = [
        car("veh-0001", price=25_000),
        car("veh-0002", price=30_000),
        car("veh-0003", price=30_050),
        car("veh-0004", price=10_000, seats=4),
    ]

    result = rank(vehicles, DEALERS, answers(passengers=5))

    assert ranked_ids(result) == ["veh-0001", "veh-0002"]
    assert result.vehicles[0].match_reasons[0] == "Within your $25,000 budget"
    assert (result.vehicles[1].match_score or 0) < (result.vehicles[0].match_score or 0)


def test_running_costs_favour_electrified_cars_for_long_distances() -> None:
    vehicles = [
        car("veh-0001", fuel_type="gasoline"),
        car("veh-0002", fuel_type="hybrid"),
    ]

    result = rank(vehicles, DEALERS, answers(annual_miles=15_000))

    assert ranked_ids(result) == ["veh-0002", "veh-0001"]
    assert "Hybrid: low running costs for 15,000 miles a year" in result.vehicles[0].match_reasons


def test_fuel_preference_and_must_haves_count() -> None:
    vehicles = [
        car("veh-0001", fuel_type="electric", features=("automatic", "heated_seats")),
        car("veh-0002", fuel_type="electric"),
        car("veh-0003", fuel_type="gasoline", features=("automatic", "heated_seats")),
    ]
    asked = answers(fuel_preference="electric", must_haves=["heated_seats"])

    result = rank(vehicles, DEALERS, asked)

    assert ranked_ids(result) == ["veh-0001", "veh-0002", "veh-0003"]
    assert "Has your must-haves: heated seats" in result.vehicles[0].match_reasons


def test_nearby_dealer_scores_higher_and_says_how_far() -> None:
    vehicles = [car("veh-0001", dealer_id=FAR.id), car("veh-0002", dealer_id=NEAR.id)]

    result = rank(vehicles, DEALERS, answers(zip="10002"))

    assert ranked_ids(result) == ["veh-0002", "veh-0001"]
    nearest = result.vehicles[0]
    assert nearest.distance_miles is not None
    assert nearest.distance_miles < 5
    assert "2 miles from 10002" in nearest.match_reasons


def test_paging_splits_the_ranking() -> None:
    vehicles = [car(f"veh-{n:04d}", price=10_000 + n) for n in range(1, 8)]

    pages = [rank(vehicles, DEALERS, answers(), page=n, page_size=3) for n in (1, 2, 3, 4)]

    assert [len(page.vehicles) for page in pages] == [3, 3, 1, 0]
    assert {page.total for page in pages} == {7}


def test_answers_are_read_by_their_field_names() -> None:
    asked = CarInAnswers.from_answers(
        {"budget_max": "30000", "primary_use": "family", "passengers": 5, "must_haves": ["awd"]}
    )

    assert asked == CarInAnswers(30_000, "family", 5, must_haves=("awd",))
    with pytest.raises(ValueError, match="required"):
        CarInAnswers.from_answers({"primary_use": "family", "passengers": 5})
    with pytest.raises(TypeError, match="must_haves"):
        CarInAnswers.from_answers(answers(must_haves="awd"))
