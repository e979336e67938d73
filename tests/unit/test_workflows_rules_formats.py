"""Validation of formatted values (e-mail, phone, ZIP, VIN, SSN, dates) and hostile payloads."""

from __future__ import annotations

import pytest

from tests.unit.conftest import Check, codes
from workflows.registry import definition
from workflows.rules import MAX_KEY_ECHO, FieldError

WORKFLOW = definition("trex", 1)
INPUT_STEPS = [step.id for step in WORKFLOW.steps.values() if step.fields]


# --- formats: e-mail, phone, ZIP, VIN, SSN, date of birth ----------------------------------------

FORMATTED_OK = [
    ("buying_confirmation", "email", "Ana@Example.COM", "Ana@example.com"),
    ("buying_confirmation", "email", "first.last+tag@sub.example.co.uk", None),
    ("buying_confirmation", "phone", "+14155550123", None),
    ("buying_confirmation", "phone", "4155550123", "+14155550123"),
    ("buying_confirmation", "phone", "(415) 555-0123", "+14155550123"),
    ("buying_confirmation", "phone", "+44 20 7946 0958", "+442079460958"),
    ("buying_confirmation", "phone", "1 212 555 0199", "+12125550199"),
    ("buying_confirmation", "phone", "+1 (212) 555-0199", "+12125550199"),
    ("dealer_network", "vin", "1HGCM 8263 3A004352", "1HGCM82633A004352"),
    ("dealer_network", "vin", " 1hgcm-82633-a004352 ", "1HGCM82633A004352"),
    ("buying_confirmation", "zip", " 94103 ", "94103"),
    ("dealer_network", "vin", "1HGCM82633A004352", None),
    ("dealer_network", "vin", "1hgcm82633a004352", "1HGCM82633A004352"),
    ("credit_check", "ssn", "123-45-6789", "123456789"),
    ("credit_check", "ssn", "123 45 6789", "123456789"),
    ("credit_check", "date_of_birth", "2008-06-15", None),  # 18 today
    ("credit_check", "date_of_birth", "1926-06-14", None),  # 100 today
]


@pytest.mark.parametrize(("step_id", "name", "raw", "normalized"), FORMATTED_OK)
def test_well_formed_values_are_accepted_and_normalized(
    step_id: str,
    name: str,
    raw: str,
    normalized: str | None,
    run: Check,
) -> None:
    values, errors = run(step_id, {name: raw})

    assert name not in codes(errors)
    assert values[name] == (normalized or raw)


@pytest.mark.parametrize(
    ("step_id", "name", "raw", "code"),
    [
        *[("buying_confirmation", "email", raw, "format") for raw in ("ana", "ana@", "@x.com")],
        *[("buying_confirmation", "email", raw, "format") for raw in ("a b@x.com", "a@@x.com")],
        ("buying_confirmation", "email", "ana@example.c", "format"),
        *[("buying_confirmation", "phone", raw, "format") for raw in ("12345", "+0123456789")],
        ("buying_confirmation", "phone", "415-555-012", "format"),
        ("buying_confirmation", "phone", "2 212 555 0199", "format"),  # 11 digits, not 1 first
        ("buying_confirmation", "phone", "+1234567890123456", "format"),
        *[("buying_confirmation", "zip", raw, "format") for raw in ("9410", "941033", "9410a")],
        ("buying_confirmation", "zip", "94103-1234", "format"),
        ("dealer_network", "vin", "1HGCM82643A004352", "vin_check_digit"),
        ("dealer_network", "vin", "1HGCM82633A00435", "format"),
        *[
            ("dealer_network", "vin", raw, "format")
            for raw in ("1HGCM82633A00435I", "1HGQM82633A004352")
        ],
        ("dealer_network", "vin", "1HGCM8263OA004352", "format"),
        *[("credit_check", "ssn", raw, "ssn_invalid") for raw in ("000-12-3456", "666-12-3456")],
        *[("credit_check", "ssn", raw, "ssn_invalid") for raw in ("900-12-3456", "999-12-3456")],
        *[("credit_check", "ssn", raw, "ssn_invalid") for raw in ("123-00-4567", "123-45-0000")],
        *[("credit_check", "ssn", raw, "format") for raw in ("12345678", "abc-de-fghi")],
        ("credit_check", "date_of_birth", "2008-06-16", "min_age"),  # 18 tomorrow
        ("credit_check", "date_of_birth", "2030-01-01", "min_age"),
        ("credit_check", "date_of_birth", "1925-06-15", "max_age"),  # 101 today
        *[("credit_check", "date_of_birth", raw, "format") for raw in ("2001-02-30", "2001-13-01")],
        *[("credit_check", "date_of_birth", raw, "format") for raw in ("01/02/2001", "2001-2-3")],
    ],
)
def test_malformed_values_get_their_code(
    step_id: str, name: str, raw: str, code: str, run: Check
) -> None:
    _, errors = run(step_id, {name: raw})

    assert codes(errors).get(name) == code


# --- malformed and hostile payloads --------------------------------------------------------------


@pytest.mark.parametrize("data", [["make", "Toyota"], "make=Toyota", None, 42, True])
def test_non_object_data_is_one_error_on_data(data: object, run: Check) -> None:
    values, errors = run("vehicle_search", data)

    assert values == {}
    assert [(e.field, e.code) for e in errors] == [("data", "type")]


def test_unknown_keys_are_reported_and_echoed_truncated(
    valid_answers: dict[str, dict[str, object]], run: Check
) -> None:
    long_key = "k" * 10_000
    data = {**valid_answers["vehicle_knowledge"], "colour": "red", long_key: 1}
    _, errors = run("vehicle_knowledge", data)

    assert [(e.field, e.code) for e in errors] == [
        ("colour", "unknown_field"),
        (long_key[:MAX_KEY_ECHO], "unknown_field"),
    ]
    assert all(len(e.field) <= 40 and len(e.message) < 100 for e in errors)


def test_a_thousand_unknown_keys_are_each_reported(run: Check) -> None:
    data = {f"junk_{n}": n for n in range(1000)}
    _, errors = run("vehicle_knowledge", data)

    assert sum(e.code == "unknown_field" for e in errors) == 1000


CODES = {"type", "required", "one_of_required", "minimum", "maximum", "max_length", "enum"}
CODES |= {"invalid_characters", "format", "unknown_option", "must_be_true", "duplicate"}
CODES |= {"max_items", "vin_check_digit", "ssn_invalid", "min_age", "max_age", "unknown_field"}
HOSTILE: list[object] = [
    "'; DROP TABLE leads; --",
    "<script>alert(1)</script>",
    "x" * 100_000,
    "\x00",
    "\ud800",
    -0.0,
    -(2**63),
    float("-inf"),
    {"$gt": ""},
    [[]],
    [None] * 50,
    True,
]


@pytest.mark.parametrize("step_id", INPUT_STEPS)
def test_hostile_values_never_raise(step_id: str, run: Check) -> None:
    step = WORKFLOW.step(step_id)
    for raw in HOSTILE:
        data = {spec.name: raw for spec in step.fields}
        _, errors = run(step_id, data)
        assert all(isinstance(error, FieldError) for error in errors)
        assert {error.code for error in errors} <= CODES


def test_hostile_text_is_kept_verbatim_not_sanitized(run: Check) -> None:
    data = {"first_name": "'; DROP TABLE leads; --", "last_name": "<script>x</script>"}
    values, _ = run("buying_confirmation", data)

    assert (values["first_name"], values["last_name"]) == tuple(data.values())


@pytest.mark.parametrize("raw", [10**400, -(10**400)], ids=["plus_1e400", "minus_1e400"])
def test_huge_integers_are_an_error_not_an_exception(raw: int, run: Check) -> None:
    _, errors = run("vehicle_search", {"mileage_max": raw})

    assert codes(errors).get("mileage_max") in {"minimum", "maximum", "type"}
