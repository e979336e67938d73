"""What a search results step keeps between transitions (app/services/inventory.py): the sort
across pages, the page and sort when a vehicle is chosen, a fresh start on a new sort, a removed
criterion or a refined search; and `remove` drops the criterion from the search's answers."""

from __future__ import annotations

import pytest

from app.services.inventory import revised_results, without_criterion

BEFORE: dict[str, object] = {"page": 3, "sort": "price"}


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ({"vehicle_id": "veh-1"}, {"vehicle_id": "veh-1", "page": 3, "sort": "price"}),
        ({"page": 4}, {"page": 4, "sort": "price"}),
        ({"sort": "distance"}, {"sort": "distance"}),
        ({"remove": "fuel_type"}, {"remove": "fuel_type", "sort": "price"}),
        ({"refine": True}, {"refine": True, "sort": "price"}),
    ],
)
def test_the_results_step_keeps_its_sort_and_the_page_a_vehicle_was_chosen_on(
    sent: dict[str, object], kept: dict[str, object]
) -> None:
    assert revised_results(BEFORE, sent) == kept


def test_a_first_visit_keeps_only_what_was_sent() -> None:
    assert revised_results({}, {"vehicle_id": "veh-1"}) == {"vehicle_id": "veh-1"}


def test_removing_a_criterion_drops_it_and_nothing_else() -> None:
    criteria = {"make": "Toyota", "fuel_type": "electric", "price_max": 20_000}

    assert without_criterion(criteria, "fuel_type") == {"make": "Toyota", "price_max": 20_000}
    assert without_criterion(criteria, "body_type") == criteria  # not given: nothing to drop
    assert without_criterion(criteria, "make") == criteria  # required: never dropped
