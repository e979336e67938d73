"""Lead scoring: a 0..100 score from the lead alone, with the factors that made it.

Points: reachable (up to 25: e-mail 10, phone 10, a preferred channel 5), intent (up to 25: a
concrete vehicle 25, a vehicle to sell 20), value (up to 20: by price band), readiness (up to
20: approved or pre-qualified financing 20, referred 10, a message 5, a linked trade-in 10), and
fit (10 when the customer is within 50 miles of the dealer). Capped at 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Score:
    value: int
    factors: tuple[tuple[str, int], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "score": self.value,
            "factors": [{"factor": f, "points": p} for f, p in self.factors],
        }


def _price(details: Mapping[str, Any]) -> float:
    vehicle = details.get("vehicle") or {}
    for amount in (
        vehicle.get("price"),
        details.get("offer_amount"),
        details.get("asking_price"),
        (details.get("buyer") or {}).get("agreed_price"),
    ):
        if isinstance(amount, int | float):
            return float(amount)
    return 0.0


def _value_points(price: float) -> int:
    bands = ((40_000, 20), (25_000, 15), (12_000, 10), (1, 5))
    return next((points for floor, points in bands if price >= floor), 0)


def _credit_points(details: Mapping[str, Any], outcomes: Mapping[str, Any]) -> int:
    credit = details.get("financing") or outcomes.get("soft_credit_check") or {}
    status = credit.get("status") if isinstance(credit, Mapping) else None
    return {"approved": 20, "prequalified": 20, "referred": 10}.get(str(status), 0)


def score_lead(
    kind: str,
    contact: Mapping[str, Any],
    details: Mapping[str, Any],
    outcomes: Mapping[str, Any],
    distance_miles: float | None,
) -> Score:
    factors = [
        ("e-mail given", 10 if contact.get("email") else 0),
        ("phone given", 10 if contact.get("phone") else 0),
        ("preferred channel", 5 if contact.get("preferred_contact") else 0),
        (
            "concrete vehicle" if kind == "buying" else "vehicle to sell",
            25 if kind == "buying" else 20,
        ),
        ("vehicle value", _value_points(_price(details))),
        ("financing", _credit_points(details, outcomes)),
        ("message", 5 if contact.get("message") else 0),
        ("trade-in linked", 10 if details.get("trade_in") else 0),
        ("near the dealer", 10 if distance_miles is not None and distance_miles <= 50 else 0),
    ]
    kept = tuple((name, points) for name, points in factors if points)
    return Score(min(100, sum(points for _, points in kept)), kept)
