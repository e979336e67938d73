"""eraseCustomerData: a host site erases one customer's personal data (its secret key)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.results import FieldError
from workflows.erasure import Erased, ErasureOutcome, InvalidErasure


@strawberry.input(description="Whose data: the customer's e-mail and/or phone, or a lead id.")
class EraseCustomerDataInput:
    email: str | None = strawberry.field(default=None, description="The customer's e-mail address.")
    phone: str | None = strawberry.field(default=None, description="The customer's phone number.")
    lead_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the customer's leads."
    )


@strawberry.type(description="The customer's personal data is gone from everywhere T-Rex keeps it.")
class CustomerDataErased:
    sessions: int = strawberry.field(description="Sessions whose personal answers were erased.")
    leads: int = strawberry.field(description="Leads whose contact and details were erased.")


@strawberry.type(description="No data of this customer under this key (or a wrong key).")
class NothingToErase:
    message: str = strawberry.field(
        default="No data of this customer was found for this key.",
        description="What happened, for people.",
    )


@strawberry.type(description="The request named nobody, or not in a valid form.")
class InvalidErasureRequest:
    errors: list[FieldError] = strawberry.field(
        description="What is wrong with the request, by field."
    )


EraseCustomerDataResult = Annotated[
    CustomerDataErased | NothingToErase | InvalidErasureRequest,
    strawberry.union(
        "EraseCustomerDataResult",
        description="The data erased (with counts), nothing found, or an invalid request.",
    ),
]


def erasure_result(outcome: ErasureOutcome) -> EraseCustomerDataResult:
    if isinstance(outcome, Erased):
        return CustomerDataErased(sessions=outcome.counts.sessions, leads=outcome.counts.leads)
    if isinstance(outcome, InvalidErasure):
        errors = [FieldError.of(e) for e in outcome.errors]
        return InvalidErasureRequest(errors=errors)
    return NothingToErase()
