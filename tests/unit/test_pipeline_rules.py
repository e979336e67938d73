"""Scoring, routing and the relay's backoff: the pipeline's decisions, without I/O."""

from __future__ import annotations

import random

import pytest

from app.pipeline.relay import MAX_BACKOFF_SECONDS, backoff
from app.pipeline.routing import SELLING_DEALERS, route
from app.pipeline.scoring import score_lead
from vehicles.models import Dealer

DEALERS = [
    Dealer("d-near", "Near Motors", "10001", "New York", "NY", 2),
    Dealer("d-mid", "Mid Motors", "19103", "Philadelphia", "PA", 1),
    Dealer("d-far", "Far Motors", "90012", "Los Angeles", "CA", 5),
    Dealer("d-full", "Full Motors", "10002", "New York", "NY", 0),
]
MILES = {
    ("10001", "10001"): 0.0,
    ("10001", "19103"): 80.0,
    ("10001", "90012"): 2_450.0,
    ("10001", "10002"): 1.0,
}


def _distance(a: str, b: str) -> float | None:
    return MILES.get((a, b))


def _route(kind: str, **changes: object) -> list[str]:
    arguments: dict[str, object] = {
        "vehicle_dealer_id": None,
        "named_dealer_id": None,
        "customer_zip": "10001",
        "dealers": DEALERS,
        "capacity": {d.id: d.capacity for d in DEALERS},
        "distance": _distance,
        **changes,
    }
    return route(kind, **arguments)  # type: ignore[arg-type]


def test_a_buying_lead_goes_to_the_vehicle_s_dealer_whatever_its_capacity() -> None:
    assert _route("buying", vehicle_dealer_id="d-full") == ["d-full"]


def test_a_dealer_sale_goes_to_the_named_dealer_when_it_is_ours() -> None:
    assert _route("dealer_sale", named_dealer_id="d-far") == ["d-far"]
    assert _route("dealer_sale", named_dealer_id="someone-else") == ["d-near"]


@pytest.mark.parametrize("kind", ["selling", "dealer_network"])
def test_selling_leads_go_to_the_nearest_dealers_with_capacity(kind: str) -> None:
    chosen = _route(kind)
    assert chosen == ["d-near", "d-mid", "d-far"]
    assert len(chosen) == SELLING_DEALERS
    assert "d-full" not in chosen  # nearest of all, but no capacity left


def test_without_a_known_zip_dealers_are_taken_in_id_order() -> None:
    assert _route("selling", customer_zip=None) == ["d-far", "d-mid", "d-near"]


def test_no_capacity_anywhere_routes_nowhere() -> None:
    assert _route("selling", capacity={}) == []


def test_a_complete_buying_lead_scores_high_with_its_factors() -> None:
    contact = {
        "email": "a@example.com",
        "phone": "+14155550123",
        "preferred_contact": "email",
        "message": "Evenings",
    }
    details = {"vehicle": {"price": 42_000}, "trade_in": {"reference": "TRX-AAAAAA"}}
    score = score_lead("buying", contact, details, {}, distance_miles=12.0)
    assert score.value == 95  # everything but financing
    assert dict(score.factors)["vehicle value"] == 20
    assert "financing" not in dict(score.factors)
    assert sum(points for _, points in score.factors) == score.value


def test_a_bare_lead_scores_low_and_names_only_what_counted() -> None:
    score = score_lead("dealer_sale", {}, {"offer_amount": 5_000}, {}, distance_miles=None)
    assert score.value == 25
    assert dict(score.factors) == {"vehicle to sell": 20, "vehicle value": 5}


def test_financing_counts_from_the_credit_check_or_the_soft_check() -> None:
    approved = score_lead("selling", {}, {"financing": {"status": "approved"}}, {}, None)
    soft = score_lead(
        "dealer_network", {}, {}, {"soft_credit_check": {"status": "prequalified"}}, None
    )
    declined = score_lead("selling", {}, {"financing": {"status": "declined"}}, {}, None)
    assert dict(approved.factors)["financing"] == 20
    assert dict(soft.factors)["financing"] == 20
    assert "financing" not in dict(declined.factors)


def test_backoff_grows_is_jittered_and_capped() -> None:
    rng = random.Random(7)
    for attempts in range(12):
        ceiling = min(MAX_BACKOFF_SECONDS, 0.2 * 2**attempts)
        delays = [backoff(attempts, rng) for _ in range(200)]
        assert all(0 <= delay <= ceiling for delay in delays)
        assert max(delays) > ceiling * 0.8  # full jitter reaches near the ceiling
