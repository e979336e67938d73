"""Dealer routing: who gets a lead.

Buying: the dealer of the vehicle. A dealer sale: the dealer the seller named, when it is one of
ours. Selling (private sale, dealer network): the nearest dealers with capacity left, up to
`SELLING_DEALERS`, nearest first (ties by id). Capacity is decremented by the caller, in the
transaction that records the assignment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from vehicles.models import Dealer

SELLING_DEALERS = 3
Distance = Callable[[str, str], float | None]


def route(
    kind: str,
    *,
    vehicle_dealer_id: str | None,
    named_dealer_id: str | None,
    customer_zip: str | None,
    dealers: Sequence[Dealer],
    capacity: Mapping[str, int],
    distance: Distance,
) -> list[str]:
    known = {dealer.id for dealer in dealers}
    if kind == "buying" and vehicle_dealer_id in known:
        return [str(vehicle_dealer_id)]
    if kind == "dealer_sale" and named_dealer_id in known:
        return [str(named_dealer_id)]
    open_dealers = [dealer for dealer in dealers if capacity.get(dealer.id, 0) > 0]

    def nearness(dealer: Dealer) -> tuple[float, str]:
        miles = distance(customer_zip, dealer.zip) if customer_zip else None
        return (miles if miles is not None else float("inf"), dealer.id)

    count = 1 if kind in ("buying", "dealer_sale") else SELLING_DEALERS
    return [dealer.id for dealer in sorted(open_dealers, key=nearness)[:count]]
