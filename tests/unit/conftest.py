"""Doubles for the pure unit tests: service lookups, a fixed day, a valid answer per step."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date

import pytest

from workflows.rules import FieldError, Lookups, validate
from workflows.trex import build

MODELS: dict[str, tuple[str, ...]] = {
    "Toyota": ("Corolla", "Camry", "RAV4"),
    "Honda": ("Civic", "Accord", "CR-V"),
}
DEALERS = ("dlr-001",)
LISTED = ("veh-001", "veh-002")

CONTACT: dict[str, object] = {
    "first_name": "Ana",
    "last_name": "Silva",
    "email": "ana@example.com",
    "phone": "+14155550123",
    "zip": "94103",
    "consent_to_contact": True,
}
VEHICLE_TO_SELL: dict[str, object] = {
    "make": "Toyota",
    "model": "Corolla",
    "year": 2018,
    "mileage": 42_000,
    "condition": "good",
}
VALID_ANSWERS: dict[str, dict[str, object]] = {
    "intent_selection": {"intent": "buying"},
    "vehicle_knowledge": {"knows_vehicle": True},
    "vehicle_search": {"make": "Toyota", "model": "Corolla", "year_min": 2015, "year_max": 2020},
    "search_results": {"vehicle_id": "veh-001"},
    "carin_questions": {"budget_max": 20_000, "primary_use": "family", "passengers": 5},
    "carin_results": {"vehicle_id": "veh-002"},
    "vehicle_selection": {"confirm": True},
    "buying_confirmation": CONTACT,
    "has_buyer": {"has_buyer": True},
    "buyer_type": {"buyer_type": "private"},
    "private_buyer_details": {
        **VEHICLE_TO_SELL,
        "agreed_price": 15_000,
        "buyer_name": "Bo Berg",
        "buyer_email": "bo@example.com",
    },
    "financing_needs": {"needs_financing": False},
    "credit_check": {
        "full_name": "Ana Silva",
        "date_of_birth": "1990-05-01",
        "ssn": "123-45-6789",
        "address_line": "1 Main St",
        "zip": "94103",
        "annual_income": 50_000,
        "consent_to_credit_check": True,
    },
    "selling_confirmation": CONTACT,
    "dealer_information": {"dealer_id": "dlr-001", "offer_amount": 9_000, **VEHICLE_TO_SELL},
    "dealer_network": {**VEHICLE_TO_SELL, "zip": "94103"},
    "credit_consent": {"consent": True},
    "dealer_confirmation": CONTACT,
    "replacement_check": {"wants_replacement": False},
}


class FakeLookups:
    """Catalogue makes and models, one dealer and two listed vehicles."""

    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None:
        if source == "makes":
            return tuple(MODELS)
        if source == "models":
            make = answers.get("make")
            return MODELS.get(make) if isinstance(make, str) else None
        if source == "dealers":
            return DEALERS
        if source == "listed_vehicles":
            return LISTED
        return None


@pytest.fixture
def fake_lookups() -> Lookups:
    return FakeLookups()


@pytest.fixture
def fixed_today() -> date:
    """A mid-year day: 'next calendar year' is 2027, an 18th birthday falls on 2008-06-15."""
    return date(2026, 6, 15)


@pytest.fixture
def valid_answers() -> dict[str, dict[str, object]]:
    """A valid submission for every step that takes input (a fresh copy per test)."""
    return {step_id: dict(answers) for step_id, answers in VALID_ANSWERS.items()}


Check = Callable[[str, object], tuple[dict[str, object], list[FieldError]]]


@pytest.fixture
def run(fake_lookups: Lookups, fixed_today: date) -> Check:
    """Validates data for a T-Rex step with the fake lookups on the fixed day."""
    workflow = build()

    def check(step_id: str, data: object) -> tuple[dict[str, object], list[FieldError]]:
        return validate(workflow.step(step_id), data, lookups=fake_lookups, today=fixed_today)

    return check


def codes(errors: list[FieldError]) -> dict[str, str]:
    """Each failing field with its error code."""
    return {error.field: error.code for error in errors}
