"""Valid answers for every input step of FLOWS.md, as a visitor would give them."""

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
SEARCH: dict[str, Any] = {"make": "Toyota", "zip": "10001"}
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


def credit_applicant(ssn: str, income: int = 85_000) -> dict[str, Any]:
    """Sandbox bureau: SSN ending 9 → declined, 7/8 → referred, else approved."""
    return {
        "full_name": "Grace Hopper",
        "date_of_birth": "1980-12-09",
        "ssn": ssn,
        "address_line": "1 Infinite Loop",
        "zip": "95014",
        "annual_income": income,
        "consent_to_credit_check": True,
    }


APPROVED_SSN = "123456780"
REFERRED_SSN = "123456787"
DECLINED_SSN = "123456789"
