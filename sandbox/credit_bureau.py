"""Sandbox credit bureau: decisions that are deterministic per applicant, so a person (or a
test) can pick the outcome.

| applicant                    | decision                                                     |
|------------------------------|--------------------------------------------------------------|
| no SSN (a soft check)        | prequalified                                                 |
| annual income under $15,000  | declined (income too low)                                    |
| SSN ending in 9              | declined (credit history)                                    |
| SSN ending in 7 or 8         | referred (a lender reviews it by hand)                       |
| anyone else                  | approved: 40% of income rounded down to $500, APR 6.9%       |
|                              | (9.9% under 25)                                              |

`POST /checks` takes the applicant as JSON and an `Idempotency-Key` header: a repeated key gets
the first decision again (no second pull on the applicant's file); the same key with another
applicant is refused (422 `idempotency_key_reused`). The SSN is used for the decision and
dropped: it is never stored, logged or sent back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.common import (
    BadRequest,
    IdempotencyStore,
    JsonObject,
    KeyReused,
    idempotency_key,
    key_reused,
    read_object,
    text,
)
from sandbox.runtime import ServiceState
from workflows.checks import age_on

LATENCY_MS = (300, 900)
MINIMUM_INCOME = 15_000


@dataclass(frozen=True, slots=True)
class Application:
    annual_income: float
    date_of_birth: date | None
    ssn_last_digit: str | None  # all the decision needs of the SSN

    @classmethod
    def from_json(cls, body: JsonObject) -> Application:
        text(body, "full_name")
        text(body, "zip")
        income = body.get("annual_income", 0)
        if isinstance(income, bool) or not isinstance(income, int | float) or income < 0:
            raise BadRequest("annual_income", "must be a number >= 0")
        return cls(float(income), _birth_date(body.get("date_of_birth")), _ssn(body.get("ssn")))


def decide(application: Application, today: date) -> JsonObject:
    if application.ssn_last_digit is None:
        return _decision("prequalified", reason="A soft check found no obstacle to financing.")
    if application.annual_income < MINIMUM_INCOME:
        return _decision("declined", reason="Income below the lender's minimum.")
    if application.ssn_last_digit == "9":
        return _decision("declined", reason="The credit history does not qualify.")
    if application.ssn_last_digit in "78":
        return _decision("referred", reason="A lender will review the application by hand.")
    age = age_on(application.date_of_birth or today, today)
    amount = int(application.annual_income * 0.4 // 500 * 500)
    return _decision("approved", amount=amount, apr=6.9 if age >= 25 else 9.9)


class CreditBureau:
    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self._answers = IdempotencyStore()

    def routes(self) -> list[Route]:
        return [Route("/checks", self.state.guard(self.check), methods=["POST"])]

    async def check(self, request: Request) -> JSONResponse:
        key = idempotency_key(request)
        body = await read_object(request)
        try:
            earlier = self._answers.replay(key, body)
        except KeyReused as error:
            return key_reused(error)
        if earlier is not None:
            return JSONResponse(earlier, headers={"Idempotent-Replayed": "true"})
        answer = decide(Application.from_json(body), date.today())
        answer["check_id"] = self.state.new_id("chk")
        self._answers.remember(key, body, answer)
        return JSONResponse(answer)


def _decision(
    status: str, *, amount: int | None = None, apr: float | None = None, reason: str | None = None
) -> JsonObject:
    return {"status": status, "amount": amount, "apr": apr, "reason": reason}


def _birth_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadRequest("date_of_birth", "must be an ISO date (YYYY-MM-DD) or null")


def _ssn(value: object) -> str | None:
    if value is None:
        return None
    digits = value.replace("-", "").replace(" ", "") if isinstance(value, str) else ""
    if len(digits) != 9 or not digits.isdigit():
        raise BadRequest("ssn", "must be 9 digits (dashes allowed) or null")
    return digits[-1]
