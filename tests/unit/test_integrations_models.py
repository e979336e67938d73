"""Typed answers: a service's JSON read into values, defects named; the SSN kept out of sight."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.integrations.errors import UnexpectedResponse
from app.integrations.models import (
    CreditApplicant,
    CreditDecision,
    DecodedVin,
    Valuation,
)


def test_a_decision_reads_an_integer_apr_as_a_float() -> None:
    decision = CreditDecision.from_json(
        {"status": "approved", "amount": 20_000, "apr": 7, "reason": None}, "credit-bureau"
    )
    assert decision == CreditDecision("approved", 20_000, 7.0, None)
    assert isinstance(decision.apr, float)


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"status": "maybe"}, "unknown credit status 'maybe'"),
        ({"status": "approved", "amount": "lots"}, "field 'amount' is 'lots', expected int"),
        ({"status": "approved", "amount": True}, "field 'amount' is True, expected int"),
        ({"status": "approved", "apr": "6.9"}, "expected int or float"),
    ],
)
def test_a_malformed_decision_is_an_unexpected_response(
    body: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(UnexpectedResponse, match=complaint):
        CreditDecision.from_json(body, "credit-bureau")


def test_required_fields_must_be_there() -> None:
    with pytest.raises(UnexpectedResponse, match="'manufacturer' is None"):
        DecodedVin.from_json({"make": "Honda"}, "vehicle-data")
    with pytest.raises(UnexpectedResponse, match=r"vehicle-data: .*'high'"):
        Valuation.from_json({"low": 1}, "vehicle-data")


def test_optional_fields_may_be_null() -> None:
    decoded = DecodedVin.from_json(
        {"manufacturer": "General Motors", "make": None, "model": None, "year": None}, "v"
    )
    assert decoded == DecodedVin(None, None, None, "General Motors")


def test_the_applicant_repr_never_shows_the_ssn() -> None:
    applicant = CreditApplicant(
        "Ana Silva", "94103", date(1990, 5, 1), 50_000, "1 Main", "123456789"
    )
    assert "123456789" not in repr(applicant)
    assert "6789" not in repr(applicant)
    assert "soft=False" in repr(applicant)
    assert "soft=True" in repr(CreditApplicant("Ana Silva", "94103"))


def test_the_applicant_travels_as_json_with_an_iso_birth_date() -> None:
    applicant = CreditApplicant("Ana Silva", "94103", date(1990, 5, 1), 50_000, "1 Main", None)
    assert applicant.to_json() == {
        "full_name": "Ana Silva",
        "zip": "94103",
        "date_of_birth": "1990-05-01",
        "annual_income": 50_000,
        "address_line": "1 Main",
        "unit": None,
        "city": None,
        "state": None,
        "ssn": None,
    }
