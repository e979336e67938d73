"""Doubles for the pure unit tests: service lookups, a fixed day, a valid answer per step
(tests/support/answers.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date

import pytest

from tests.support.answers import VALID_ANSWERS
from workflows.registry import definition
from workflows.rules import FieldError, Lookups, validate

MODELS: dict[str, tuple[str, ...]] = {
    "Toyota": ("Corolla", "Camry", "RAV4"),
    "Honda": ("Civic", "Accord", "CR-V"),
}
DEALERS = ("dlr-001",)
LISTED = ("veh-001", "veh-002")


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
    workflow = definition("trex", 1)

    def check(step_id: str, data: object) -> tuple[dict[str, object], list[FieldError]]:
        return validate(workflow.step(step_id), data, lookups=fake_lookups, today=fixed_today)

    return check


def codes(errors: list[FieldError]) -> dict[str, str]:
    """Each failing field with its error code."""
    return {error.field: error.code for error in errors}
