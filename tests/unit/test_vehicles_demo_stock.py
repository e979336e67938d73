import json
import re
import statistics

import pytest

from vehicles.catalogue import FEATURES, model_spec
from vehicles.demo_stock import (
    FIRST_MODEL_YEAR,
    LAST_MODEL_YEAR,
    Inventory,
    generate_inventory,
)
from vehicles.geo import city_and_state
from vehicles.vin import decode_vin


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return generate_inventory()


def test_same_seed_gives_the_same_inventory(inventory: Inventory) -> None:
    assert generate_inventory() == inventory
    assert generate_inventory(seed=7, vehicles=50) == generate_inventory(seed=7, vehicles=50)


def test_another_seed_gives_another_inventory(inventory: Inventory) -> None:
    other = generate_inventory(seed=1)

    assert other.vehicles != inventory.vehicles
    assert other.dealers != inventory.dealers


def test_default_inventory_is_large_and_well_formed(inventory: Inventory) -> None:
    dealer_ids = {dealer.id for dealer in inventory.dealers}

    assert len(inventory.vehicles) >= 500
    assert len(inventory.dealers) >= 20
    assert all(re.fullmatch(r"dlr-\d{3}", dealer_id) for dealer_id in dealer_ids)
    assert all(re.fullmatch(r"veh-\d{4}", vehicle.id) for vehicle in inventory.vehicles)
    assert len({vehicle.id for vehicle in inventory.vehicles}) == len(inventory.vehicles)
    assert {vehicle.dealer_id for vehicle in inventory.vehicles} <= dealer_ids
    assert len({dealer.name for dealer in inventory.dealers}) == len(inventory.dealers)


def test_sizes_follow_the_arguments() -> None:
    small = generate_inventory(vehicles=12, dealers=3)

    assert (len(small.vehicles), len(small.dealers)) == (12, 3)
    with pytest.raises(ValueError, match="dealers"):
        generate_inventory(dealers=0)


def test_dealers_are_in_real_cities_with_their_zip(inventory: Inventory) -> None:
    for dealer in inventory.dealers:
        assert city_and_state(dealer.zip) == (dealer.city, dealer.state), dealer
        assert dealer.capacity > 0


def test_every_vin_is_valid_unique_and_decodes_to_the_vehicle(inventory: Inventory) -> None:
    for vehicle in inventory.vehicles:
        decoded = decode_vin(vehicle.vin)

        assert decoded is not None, vehicle.vin
        assert decoded.check_digit_valid, vehicle.vin
        assert (decoded.make, decoded.year) == (vehicle.make, vehicle.year), vehicle.vin
    assert len({vehicle.vin for vehicle in inventory.vehicles}) == len(inventory.vehicles)


def test_vehicles_are_catalogue_models_as_they_were_sold(inventory: Inventory) -> None:
    for vehicle in inventory.vehicles:
        spec = model_spec(vehicle.make, vehicle.model)

        assert FIRST_MODEL_YEAR <= vehicle.year <= LAST_MODEL_YEAR
        assert spec.sold_in(vehicle.year), vehicle
        assert vehicle.fuel_type in spec.fuel_types(vehicle.year), vehicle
        assert vehicle.body_type in spec.body_types, vehicle
        assert vehicle.seats in spec.seats, vehicle
        assert vehicle.drivetrain in spec.drivetrains, vehicle


def test_features_agree_with_the_specs(inventory: Inventory) -> None:
    for vehicle in inventory.vehicles:
        features = set(vehicle.features)

        assert features <= set(FEATURES)
        assert ("automatic" in features) == (vehicle.transmission == "automatic")
        assert ("awd" in features) == (vehicle.drivetrain == "awd")
        assert ("third_row" in features) == (vehicle.seats >= 7)
        if vehicle.fuel_type == "electric":
            assert vehicle.transmission == "automatic"


def test_prices_are_plausible(inventory: Inventory) -> None:
    for vehicle in inventory.vehicles:
        base = model_spec(vehicle.make, vehicle.model).base_price

        assert vehicle.price % 50 == 0
        assert 2_500 <= vehicle.price <= base * 1.25, vehicle
    recent = [v.price for v in inventory.vehicles if v.year >= LAST_MODEL_YEAR - 2]
    old = [v.price for v in inventory.vehicles if v.year <= LAST_MODEL_YEAR - 10]
    assert statistics.median(recent) > 1.8 * statistics.median(old)


def test_mileage_fits_the_age(inventory: Inventory) -> None:
    for vehicle in inventory.vehicles:
        age = LAST_MODEL_YEAR + 1 - vehicle.year

        assert 2_000 * (age - 1) <= vehicle.mileage <= 25_000 * age, vehicle
    recent = [v.mileage for v in inventory.vehicles if v.year >= LAST_MODEL_YEAR - 1]
    assert statistics.median(recent) < 30_000


def test_inventory_serialises_to_json(inventory: Inventory) -> None:
    document = json.loads(json.dumps(inventory.as_json()))

    assert len(document["vehicles"]) == len(inventory.vehicles)
    assert document["dealers"][0]["id"] == inventory.dealers[0].id
    assert document["vehicles"][0]["features"] == list(inventory.vehicles[0].features)
