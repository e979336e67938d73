"""Sandbox dealer network: one assignment per lead and dealer, however often it is asked
(a selling lead goes to several dealers).

| call                        | answer                                                      |
|-----------------------------|-------------------------------------------------------------|
| `PUT /assignments/{lead}`   | `{dealer_id, summary}` → 201 `{assignment_id, dealer_id,    |
|                             | lead_id, created}` the first time for that dealer, 200 with |
|                             | the same `assignment_id` after; 422 `lead_refused` for a    |
|                             | customer ZIP no dealer serves (below)                       |
| `GET /assignments`          | inspection, not faulted: every assignment, oldest first     |

The network refuses a lead whose customer ZIP (`summary.customer_zip`) is one the US Postal
Service never assigns, 00000 to 00500 (the lowest in use is 00501), as a real dealer network
refuses a lead it cannot place in any dealer's market: a test can make a lead fail at the dealer
and watch its vehicle hold be released at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.common import JsonObject, obj, read_object, refusal, text
from sandbox.runtime import ServiceState

LATENCY_MS = (30, 100)
UNASSIGNED_ZIPS = range(0, 501)  # 00000-00500


def serves(customer_zip: object) -> bool:
    """Whether some dealer's market covers this ZIP (any ZIP a customer can really have)."""
    if not isinstance(customer_zip, str) or not customer_zip.isdigit():
        return True  # no ZIP given: the dealer calls the customer instead
    return int(customer_zip) not in UNASSIGNED_ZIPS


class DealerNetwork:
    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self._assignments: dict[tuple[str, str], JsonObject] = {}

    def routes(self) -> list[Route]:
        return [
            Route("/assignments/{lead_id}", self.state.guard(self.assign), methods=["PUT"]),
            Route("/assignments", self.list_assignments, methods=["GET"]),
        ]

    async def assign(self, request: Request) -> JSONResponse:
        lead_id = request.path_params["lead_id"]
        body = await read_object(request)
        dealer_id, summary = text(body, "dealer_id"), obj(body, "summary")
        if not serves(summary.get("customer_zip")):
            return refusal(
                "lead_refused", "no dealer of the network serves the customer's ZIP code"
            )
        earlier = self._assignments.get((lead_id, dealer_id))
        assignment_id = earlier["assignment_id"] if earlier else self.state.new_id("asg")
        self._assignments[(lead_id, dealer_id)] = {
            "assignment_id": assignment_id,
            "lead_id": lead_id,
            "dealer_id": dealer_id,
            "summary": summary,
            "assigned_at": datetime.now(UTC).isoformat(),
        }
        answer = {
            "assignment_id": assignment_id,
            "dealer_id": dealer_id,
            "lead_id": lead_id,
            "created": earlier is None,
        }
        return JSONResponse(answer, status_code=200 if earlier else 201)

    async def list_assignments(self, _: Request) -> JSONResponse:
        return JSONResponse({"assignments": list(self._assignments.values())})
