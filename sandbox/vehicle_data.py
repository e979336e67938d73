"""Sandbox vehicle-data provider: VIN decoding and trade-in valuations.

| call                                   | answer                                                |
|----------------------------------------|-------------------------------------------------------|
| `GET /vins/{vin}`                      | 200 manufacturer, make, year, country, check digit;   |
|                                        | `model` is null (a VIN does not name it); 422         |
|                                        | `invalid_vin` when it is not a VIN                    |
| `GET /valuations?make&model&year&      | 200 `{low, high}` in US dollars; 422 `unknown_model`  |
|   mileage&condition`                   | for a model not in the catalogue; 400 for bad input   |

A valuation starts from the model's price new (our catalogue), loses 20% in the first year and
12% a year after that, moves 0.4% per 1,000 miles off 12,000 miles a year, then by condition
(excellent +8%, fair -13%, poor -30%); the range is ±7% around that, in $100 steps.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.common import BadRequest, refusal
from sandbox.runtime import ServiceState
from vehicles.catalogue import model_spec
from vehicles.vin import decode_vin

LATENCY_MS = (20, 60)
CONDITIONS = {"excellent": 1.08, "good": 1.0, "fair": 0.87, "poor": 0.7}
MILES_PER_YEAR = 12_000


class VehicleData:
    def __init__(self, state: ServiceState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        guard = self.state.guard
        return [
            Route("/vins/{vin:path}", guard(self.decode), methods=["GET"]),
            Route("/valuations", guard(self.valuation), methods=["GET"]),
        ]

    async def decode(self, request: Request) -> JSONResponse:
        decoded = decode_vin(request.path_params["vin"].strip().upper())
        if decoded is None:
            return refusal("invalid_vin", "not a 17-character VIN")
        return JSONResponse(
            {
                "vin": decoded.vin,
                "manufacturer": decoded.manufacturer,
                "make": decoded.make,
                "model": None,
                "year": decoded.year,
                "country": decoded.country,
                "check_digit_valid": decoded.check_digit_valid,
            }
        )

    async def valuation(self, request: Request) -> JSONResponse:
        query = request.query_params
        make, model = query.get("make", ""), query.get("model", "")
        year, mileage = (
            _integer(query.get("year"), "year"),
            _integer(query.get("mileage"), "mileage"),
        )
        this_year = datetime.now(UTC).year
        if not 1950 <= year <= this_year + 1:
            raise BadRequest("year", f"must be from 1950 to {this_year + 1}")
        condition = query.get("condition", "")
        if condition not in CONDITIONS:
            raise BadRequest("condition", f"must be one of {', '.join(CONDITIONS)}")
        try:
            price_new = model_spec(make, model).base_price
        except KeyError:
            return refusal("unknown_model", f"no valuation data for {make} {model}")
        value = estimate(price_new, this_year - year, mileage, CONDITIONS[condition])
        return JSONResponse({"low": _hundreds(value * 0.93), "high": _hundreds(value * 1.07)})


def estimate(price_new: int, age: int, mileage: int, condition_factor: float) -> float:
    """What the vehicle is worth today, in US dollars (never under $500)."""
    age = max(age, 0)
    retained = 0.92 if age == 0 else 0.8 * 0.88 ** (age - 1)
    expected = MILES_PER_YEAR * max(age, 0.5)
    miles_factor = min(1.15, max(0.55, 1 - (mileage - expected) / 1000 * 0.004))
    return max(500.0, price_new * retained * miles_factor * condition_factor)


def _integer(text: str | None, name: str) -> int:
    try:
        value = int(text or "")
    except ValueError:
        raise BadRequest(name, "must be a whole number") from None
    if value < 0:
        raise BadRequest(name, "must not be negative")
    return value


def _hundreds(dollars: float) -> int:
    return int(round(dollars / 100) * 100)
