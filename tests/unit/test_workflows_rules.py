"""Validation of step input (`rules.validate`): required fields, types, limits and choices."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.conftest import Check, codes
from workflows.registry import definition
from workflows.rules import Lookups, validate

WORKFLOW = definition("trex", 1)
INPUT_STEPS = [step.id for step in WORKFLOW.steps.values() if step.fields]


# --- the sample answers, required and one-of-required --------------------------------------------


@pytest.mark.parametrize("step_id", INPUT_STEPS)
def test_a_complete_valid_answer_passes_every_step(
    step_id: str,
    valid_answers: dict[str, dict[str, object]],
    run: Check,
) -> None:
    values, errors = run(step_id, valid_answers[step_id])

    assert errors == []
    assert set(values) == set(valid_answers[step_id])


@pytest.mark.parametrize("step_id", INPUT_STEPS)
def test_empty_answer_reports_each_required_field_once(step_id: str, run: Check) -> None:
    step = WORKFLOW.step(step_id)
    expected = {f.name: "required" for f in step.fields if f.required and not f.required_unless}
    expected |= {f.name: "one_of_required" for f in step.fields if f.required_unless}

    _, errors = run(step_id, {})

    assert codes(errors) == expected
    assert len(errors) == len(expected)


def test_blank_and_null_values_count_as_missing(run: Check) -> None:
    data = {"first_name": "   ", "last_name": None, "message": None}
    values, errors = run("buying_confirmation", data)

    assert codes(errors)["first_name"] == "required"
    assert codes(errors)["last_name"] == "required"
    assert "message" not in codes(errors)
    assert "message" not in values


@pytest.mark.parametrize(
    ("step_id", "alternative", "each_missing"),
    [
        ("private_buyer_details", {"vin": "1HGCM82633A004352"}, ("make", "model", "year")),
        ("private_buyer_details", {"buyer_phone": "4155550123"}, ("buyer_email", "buyer_phone")),
        ("dealer_information", {"dealer_name": "Bay Motors"}, ("dealer_id", "dealer_name")),
    ],
)
def test_one_of_required_is_satisfied_by_either_alternative(
    step_id: str,
    alternative: dict[str, object],
    each_missing: tuple[str, ...],
    valid_answers: dict[str, dict[str, object]],
    run: Check,
) -> None:
    group = set(alternative) | set(each_missing)
    base = {k: v for k, v in valid_answers[step_id].items() if k not in group}
    _, with_alternative = run(step_id, {**base, **alternative})
    _, with_neither = run(step_id, base)

    assert with_alternative == []
    assert codes(with_neither) == dict.fromkeys(each_missing, "one_of_required")


def test_results_step_without_vehicle_needs_refine_true_or_a_page(run: Check) -> None:
    _, errors = run("search_results", {"refine": False})

    assert codes(errors) == {"vehicle_id": "one_of_required"}


# --- types ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_id", "name", "raw"),
    [
        ("vehicle_search", "year_min", "2015"),
        ("vehicle_search", "year_min", True),
        ("vehicle_search", "year_min", 2015.0),
        ("vehicle_search", "year_min", 2015.5),
        ("vehicle_search", "price_max", "cheap"),
        ("vehicle_search", "price_max", False),
        ("vehicle_search", "price_max", float("nan")),
        ("vehicle_search", "price_max", float("inf")),
        ("vehicle_search", "price_max", {"$gt": 0}),
        ("buying_confirmation", "first_name", ["Ana"]),
        ("buying_confirmation", "first_name", {"x": 1}),
        ("buying_confirmation", "first_name", 42),
        ("buying_confirmation", "email", ["ana@example.com"]),
        ("buying_confirmation", "consent_to_contact", "true"),
        ("buying_confirmation", "consent_to_contact", 1),
        ("vehicle_knowledge", "knows_vehicle", "yes"),
        ("intent_selection", "intent", 1),
        ("carin_questions", "must_haves", "awd"),
        ("carin_questions", "must_haves", [1]),
    ],
)
def test_wrong_json_type_is_a_type_error(step_id: str, name: str, raw: object, run: Check) -> None:
    _, errors = run(step_id, {name: raw})

    assert codes(errors)[name] == "type"


# --- numeric limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_id", "name", "raw", "code"),
    [
        ("vehicle_search", "price_max", 0, "minimum"),
        ("vehicle_search", "price_max", -5, "minimum"),
        ("vehicle_search", "price_max", 0.01, None),
        ("vehicle_search", "price_max", 10_000_001, "maximum"),
        ("credit_check", "annual_income", 0, None),
        ("credit_check", "annual_income", -1, "minimum"),
        ("vehicle_search", "mileage_max", 0, None),
        ("carin_questions", "passengers", 0, "minimum"),
        ("carin_questions", "passengers", 9, None),
        ("carin_questions", "passengers", 10, "maximum"),
        ("vehicle_search", "year_min", 1989, "minimum"),
        ("vehicle_search", "year_max", 2027, None),
        ("vehicle_search", "year_max", 2028, "maximum"),
        ("dealer_network", "year", 1949, "minimum"),
    ],
)
def test_numeric_bounds(
    step_id: str,
    name: str,
    raw: float,
    code: str | None,
    run: Check,
) -> None:
    _, errors = run(step_id, {name: raw})

    assert codes(errors).get(name) == code


def test_next_year_maximum_moves_with_today(fake_lookups: Lookups) -> None:
    step, data = WORKFLOW.step("vehicle_search"), {"year_max": 2028}
    _, in_2026 = validate(step, data, lookups=fake_lookups, today=date(2026, 12, 31))
    _, in_2027 = validate(step, data, lookups=fake_lookups, today=date(2027, 1, 1))

    assert codes(in_2026).get("year_max") == "maximum"
    assert "year_max" not in codes(in_2027)


@pytest.mark.parametrize(
    ("low", "high", "errs"), [(2020, 2015, 1), (2018, 2018, 0), (2020, None, 0)]
)
def test_year_min_must_not_exceed_year_max(
    low: int, high: int | None, errs: int, run: Check
) -> None:
    data = {"make": "Toyota", "year_min": low, "year_max": high}
    _, errors = run("vehicle_search", data)

    assert [(e.field, e.code) for e in errors] == [("year_max", "range_order")] * errs


# --- text: length and characters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_id", "name", "length", "code"),
    [
        ("buying_confirmation", "first_name", 60, None),
        ("buying_confirmation", "first_name", 61, "max_length"),
        ("private_buyer_details", "buyer_name", 10_000, "max_length"),
        ("buying_confirmation", "message", 1000, None),
        ("buying_confirmation", "message", 1001, "max_length"),
        ("buying_confirmation", "email", 10_000, "max_length"),
        ("dealer_network", "vin", 10_000, "max_length"),
        ("credit_check", "ssn", 10_000, "max_length"),
    ],
)
def test_max_length(step_id: str, name: str, length: int, code: str | None, run: Check) -> None:
    _, errors = run(step_id, {name: "a" * length})

    assert codes(errors).get(name) == code


@pytest.mark.parametrize(
    ("name", "raw", "code"),
    [
        ("first_name", "Ana\x00", "invalid_characters"),
        ("first_name", "Ana\x1b[31m", "invalid_characters"),
        ("first_name", "A\nna", "invalid_characters"),
        ("first_name", "Ana\tSilva", "invalid_characters"),
        ("first_name", "Ana\x7f", "invalid_characters"),
        ("message", "line one\nline two\n\tindented", None),
        ("message", "bad\x00byte", "invalid_characters"),
        ("message", "colour\x1b[31m", "invalid_characters"),
    ],
)
def test_control_characters_are_rejected_and_newlines_only_in_text(
    name: str, raw: str, code: str | None, run: Check
) -> None:
    _, errors = run("buying_confirmation", {name: raw})

    assert codes(errors).get(name) == code


@pytest.mark.parametrize("raw", ["Ana\x85Silva", "Ana\x9b31m"])
def test_c1_control_characters_are_rejected(raw: str, run: Check) -> None:
    _, errors = run("buying_confirmation", {"first_name": raw})

    assert codes(errors).get("first_name") == "invalid_characters"


def test_message_accepts_crlf_line_breaks(run: Check) -> None:
    _, errors = run("buying_confirmation", {"message": "Hi\r\nthere"})

    assert "message" not in codes(errors)


@pytest.mark.parametrize("name", ["Zoë Ångström-Łukasz", "李小龍", "Ana 🚗", "O'Brien", "Nguyễn"])
def test_unicode_names_are_accepted_unchanged(name: str, run: Check) -> None:
    values, errors = run("buying_confirmation", {"first_name": name})

    assert "first_name" not in codes(errors)
    assert values["first_name"] == name


# --- choices -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_id", "name", "raw", "code"),
    [
        ("intent_selection", "intent", "renting", "enum"),
        ("intent_selection", "intent", "Buying", "enum"),
        ("buying_confirmation", "preferred_contact", "fax", "enum"),
        ("dealer_network", "condition", "mint", "enum"),
        ("carin_questions", "must_haves", ["awd", "rocket"], "enum"),
        ("carin_questions", "must_haves", ["awd", "awd"], "duplicate"),
        ("carin_questions", "must_haves", ["awd"] * 7, "max_items"),
        ("carin_questions", "must_haves", ["awd", "towbar"], None),
    ],
)
def test_enum_and_multi_enum(
    step_id: str, name: str, raw: object, code: str | None, run: Check
) -> None:
    _, errors = run(step_id, {name: raw})

    assert codes(errors).get(name) == code


@pytest.mark.parametrize(
    ("step_id", "name"),
    [("buying_confirmation", "consent_to_contact"), ("credit_check", "consent_to_credit_check")],
)
def test_consents_must_be_true(step_id: str, name: str, run: Check) -> None:
    _, refused = run(step_id, {name: False})
    _, missing = run(step_id, {})

    assert codes(refused)[name] == "must_be_true"
    assert codes(missing)[name] == "required"


def test_soft_credit_consent_accepts_both_answers(run: Check) -> None:
    assert run("credit_consent", {"consent": False})[1] == []
    assert run("credit_consent", {"consent": True})[1] == []


# --- service lookups -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_id", "data", "expected"),
    [
        (
            "vehicle_search",
            {"make": "toyota", "model": "RAV4"},
            {"make": "Toyota", "model": "RAV4"},
        ),
        ("vehicle_search", {"make": "HONDA", "model": "cr-v"}, {"make": "Honda", "model": "CR-V"}),
        ("dealer_information", {"dealer_id": "DLR-001"}, {"dealer_id": "dlr-001"}),
        ("search_results", {"vehicle_id": "veh-002"}, {"vehicle_id": "veh-002"}),
    ],
)
def test_lookup_match_is_case_insensitive_and_canonical(
    step_id: str,
    data: dict[str, object],
    expected: dict[str, object],
    run: Check,
) -> None:
    values, _ = run(step_id, data)

    assert {name: values.get(name) for name in expected} == expected


@pytest.mark.parametrize(
    ("step_id", "data", "expected"),
    [
        ("vehicle_search", {"make": "Tesla", "model": "Civic"}, {"make", "model"}),
        ("vehicle_search", {"make": "Toyota", "model": "Civic"}, {"model"}),
        ("dealer_information", {"dealer_id": "dlr-999", "offer_amount": 1}, {"dealer_id"}),
        ("carin_results", {"vehicle_id": "veh-404"}, {"vehicle_id"}),
    ],
)
def test_values_outside_the_lookup_are_unknown_options(
    step_id: str,
    data: dict[str, object],
    expected: set[str],
    run: Check,
) -> None:
    _, errors = run(step_id, data)

    assert {e.field for e in errors if e.code == "unknown_option"} == expected


def test_every_failing_field_is_reported_at_once(
    valid_answers: dict[str, dict[str, object]], run: Check
) -> None:
    bad = {
        "full_name": 42,
        "date_of_birth": "2001-02-30",
        "ssn": "000-12-3456",
        "zip": "abc",
        "annual_income": -1,
    }
    _, errors = run("credit_check", {**valid_answers["credit_check"], **bad})

    assert codes(errors) == {
        "full_name": "type",
        "date_of_birth": "format",
        "ssn": "ssn_invalid",
        "zip": "format",
        "annual_income": "minimum",
    }
    assert len(errors) == 5
