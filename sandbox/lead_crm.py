"""Sandbox lead CRM: leads stored by T-Rex's lead id, so registering one twice is harmless.

| call                  | answer                                                            |
|-----------------------|-------------------------------------------------------------------|
| `PUT /leads/{id}`     | `{reference, kind, payload}` → 201 `{crm_id, lead_id, created}`   |
|                       | the first time, 200 with the same `crm_id` after (the record is   |
|                       | replaced); 422 `lead_refused` for a blocked contact (below)       |
| `GET /leads`          | inspection, not faulted: every stored lead, oldest first          |

The CRM refuses leads whose contact e-mail (`payload.contact.email`, or `payload.email`) ends in
`@blocked.example`, as a real CRM refuses a blocklisted or bounced address: a test can make the
lead submission fail for a business reason and watch the caller compensate.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.common import JsonObject, obj, read_object, refusal, text
from sandbox.runtime import ServiceState

LATENCY_MS = (30, 120)
BLOCKED_DOMAIN = "@blocked.example"


class LeadCrm:
    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self._leads: dict[str, JsonObject] = {}

    def routes(self) -> list[Route]:
        return [
            Route("/leads/{lead_id}", self.state.guard(self.register), methods=["PUT"]),
            Route("/leads", self.list_leads, methods=["GET"]),
        ]

    async def register(self, request: Request) -> JSONResponse:
        lead_id = request.path_params["lead_id"]
        body = await read_object(request)
        reference, kind, payload = text(body, "reference"), text(body, "kind"), obj(body, "payload")
        email = contact_email(payload)
        if email.lower().endswith(BLOCKED_DOMAIN):
            return refusal("lead_refused", f"the CRM does not accept leads from {email}")
        earlier = self._leads.get(lead_id)
        crm_id = earlier["crm_id"] if earlier else self.state.new_id("crm")
        self._leads[lead_id] = {
            "crm_id": crm_id,
            "lead_id": lead_id,
            "reference": reference,
            "kind": kind,
            "payload": payload,
            "received_at": earlier["received_at"] if earlier else _now(),
        }
        answer = {"crm_id": crm_id, "lead_id": lead_id, "created": earlier is None}
        return JSONResponse(answer, status_code=200 if earlier else 201)

    async def list_leads(self, _: Request) -> JSONResponse:
        return JSONResponse({"leads": list(self._leads.values())})


def contact_email(payload: JsonObject) -> str:
    contact = payload.get("contact")
    email = contact.get("email") if isinstance(contact, dict) else payload.get("email")
    return email if isinstance(email, str) else ""


def _now() -> str:
    return datetime.now(UTC).isoformat()
