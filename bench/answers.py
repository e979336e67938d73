"""Answers the bench gives, as a visitor would (see tests/e2e/answers.py for every step)."""

from __future__ import annotations

from typing import Any

CONTACT: dict[str, Any] = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "4155550123",
    "zip": "10001",
    "consent_to_contact": True,
}
MAKES = ("Toyota", "Honda", "Ford", "Chevrolet", "Nissan", "Hyundai")
