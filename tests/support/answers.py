"""Valid answers for every input step of FLOWS.md, as a visitor would give them: one source for
the unit tests (`VALID_ANSWERS`, checked against the fake lookups of tests/unit), the walks of
the e2e and browser tests and the benchmarks' visitors.

Ids of listed vehicles and dealers in `VALID_ANSWERS` are the unit tests' fakes; a walk over a
real server answers with an id its step lists instead."""

from __future__ import annotations

from typing import Any

CONTACT: dict[str, Any] = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "+14155550123",
    "zip": "10001",
    "preferred_contact": "email",
    "consent_to_contact": True,
    "message": "Weekday evenings are best.",
}
VEHICLE_TO_SELL: dict[str, Any] = {
    "make": "Honda",
    "model": "Civic",
    "year": 2018,
    "mileage": 48_000,
    "condition": "good",
}
VEHICLE_BY_VIN: dict[str, Any] = {
    "vin": "1HGCM82633A004352",
    "mileage": 120_000,
    "condition": "fair",
}
# A search the demo stock always answers; MAKES are those the benchmarks' visitors vary over.
SEARCH: dict[str, Any] = {"make": "Toyota", "zip": "10001"}
MAKES = ("Toyota", "Honda", "Ford", "Chevrolet", "Nissan", "Hyundai")
CARIN: dict[str, Any] = {
    "budget_max": 35_000,
    "primary_use": "family",
    "passengers": 5,
    "fuel_preference": "any",
    "annual_miles": 12_000,
    "must_haves": ["automatic"],
    "zip": "60601",
}
PRIVATE_BUYER: dict[str, Any] = {
    **VEHICLE_TO_SELL,
    "agreed_price": 14_500,
    "buyer_name": "Grace Hopper",
    "buyer_email": "grace@example.com",
}
DEALER_NETWORK: dict[str, Any] = {**VEHICLE_TO_SELL, "asking_price": 15_000, "zip": "10001"}

# The sandbox bureau decides by the SSN's last digit: 9 → declined, 7/8 → referred, else approved.
APPROVED_SSN = "123456780"
REFERRED_SSN = "123456787"
DECLINED_SSN = "123456789"


def credit_applicant(ssn: str, income: int = 85_000) -> dict[str, Any]:
    """The credit check's answer, decided by the sandbox bureau after `ssn`."""
    return {
        "full_name": "Grace Hopper",
        "date_of_birth": "1980-12-09",
        "ssn": ssn,
        "address_line": "1 Infinite Loop",
        "zip": "95014",
        "annual_income": income,
        "consent_to_credit_check": True,
    }


def dealer_offer(dealer_id: str) -> dict[str, Any]:
    """The dealer information step: `dealer_id`'s offer for the vehicle to sell."""
    return {"dealer_id": dealer_id, "offer_amount": 9_000, **VEHICLE_TO_SELL}


# One valid answer per step that takes input (the ways forward a walk takes most often).
VALID_ANSWERS: dict[str, dict[str, Any]] = {
    "intent_selection": {"intent": "buying"},
    "vehicle_knowledge": {"knows_vehicle": True},
    "vehicle_search": {**SEARCH, "model": "Corolla", "year_min": 2015, "year_max": 2020},
    "search_results": {"vehicle_id": "veh-001"},
    "carin_questions": CARIN,
    "carin_results": {"vehicle_id": "veh-002"},
    "vehicle_selection": {"confirm": True},
    "buying_confirmation": CONTACT,
    "has_buyer": {"has_buyer": True},
    "buyer_type": {"buyer_type": "private"},
    "private_buyer_details": PRIVATE_BUYER,
    "financing_needs": {"needs_financing": False},
    "credit_check": credit_applicant(APPROVED_SSN),
    "selling_confirmation": CONTACT,
    "dealer_information": dealer_offer("dlr-001"),
    "dealer_network": DEALER_NETWORK,
    "credit_consent": {"consent": True},
    "dealer_confirmation": CONTACT,
    "replacement_check": {"wants_replacement": False},
}

# The answers a walk over a real server starts from (the model-based tests' base answers): the
# broad SEARCH, so vehicles held by earlier walks never empty the results.
WALK_ANSWERS: dict[str, dict[str, Any]] = {**VALID_ANSWERS, "vehicle_search": SEARCH}
# The SSN the sandbox bureau answers each outcome for (unavailable is a fault, not an applicant).
SSN_FOR_OUTCOME = {"approved": APPROVED_SSN, "declined": DECLINED_SSN, "referred": REFERRED_SSN}
