"""`rules.describe`: the validation rules sent to the client match the ones the server enforces."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import pytest

from tests.unit.conftest import codes
from workflows.model import Field, FieldType, Step
from workflows.registry import definition
from workflows.rules import Lookups, describe, validate

WORKFLOW = definition("trex", 1)


def fields_of(kinds: set[FieldType]) -> list[object]:
    """(step, field) parameters for every field of these types, named step.field."""
    return [
        pytest.param(step, spec, id=f"{step.id}.{spec.name}")
        for step in WORKFLOW.steps.values()
        for spec in step.fields
        if spec.type in kinds and spec.options_from is None
    ]


def field_rules(step: Step, today: date) -> Mapping[str, Mapping[str, object]]:
    fields = describe(step, today)["fields"]
    assert isinstance(fields, Mapping)
    return fields


def _expected_rule(spec: Field, today: date) -> dict[str, object]:
    maximum = today.year + 1 if spec.maximum_is_next_year else spec.maximum
    return {
        "type": spec.type.value,
        "required": spec.required,
        "minimum": spec.minimum,
        "exclusiveMinimum": spec.exclusive_minimum,
        "maximum": maximum,
        "enum": [o.value for o in spec.options] or None,
        "mustBeTrue": spec.must_be_true or None,
        "minAge": spec.min_age,
        "maxAge": spec.max_age,
        "optionsFrom": spec.options_from,
        "requiredUnless": list(spec.required_unless) or None,
    }


@pytest.mark.parametrize("step_id", list(WORKFLOW.steps))
def test_describe_states_each_fields_type_requirement_and_limits(
    step_id: str, fixed_today: date
) -> None:
    step = WORKFLOW.step(step_id)
    rules = field_rules(step, fixed_today)

    assert list(rules) == [spec.name for spec in step.fields]
    for spec in step.fields:
        expected = _expected_rule(spec, fixed_today)
        assert {key: rules[spec.name].get(key) for key in expected} == expected


def test_describe_lists_the_cross_field_order_rule(fixed_today: date) -> None:
    described = describe(WORKFLOW.step("vehicle_search"), fixed_today)

    assert described["crossField"] == [
        {"rule": "range_order", "low": "year_min", "high": "year_max"}
    ]


def test_describe_year_max_is_next_calendar_year(fixed_today: date) -> None:
    rules = field_rules(WORKFLOW.step("vehicle_search"), fixed_today)

    assert (rules["year_max"]["minimum"], rules["year_max"]["maximum"]) == (1990, 2027)
    assert (
        field_rules(WORKFLOW.step("vehicle_search"), date(2030, 1, 1))["year_max"]["maximum"]
        == 2031
    )


@pytest.mark.parametrize(("step", "spec"), fields_of({FieldType.STRING, FieldType.TEXT}))
def test_described_max_length_is_the_enforced_one(
    step: Step, spec: Field, fake_lookups: Lookups, fixed_today: date
) -> None:
    limit = field_rules(step, fixed_today)[spec.name]["maxLength"]
    assert isinstance(limit, int)

    def code_for(text: str) -> str | None:
        _, errors = validate(step, {spec.name: text}, lookups=fake_lookups, today=fixed_today)
        return codes(errors).get(spec.name)

    assert (code_for("a" * limit), code_for("a" * (limit + 1))) == (None, "max_length")


@pytest.mark.parametrize(("step", "spec"), fields_of({FieldType.INTEGER, FieldType.NUMBER}))
def test_described_numeric_bounds_are_the_enforced_ones(
    step: Step, spec: Field, fake_lookups: Lookups, fixed_today: date
) -> None:
    rule = field_rules(step, fixed_today)[spec.name]

    def code_at(key: str, offset: int = 0) -> str | None:
        """The error code for the described bound `key`, moved by `offset`."""
        bound = rule[key]
        assert isinstance(bound, int | float)
        data = {spec.name: bound + offset}
        return codes(validate(step, data, lookups=fake_lookups, today=fixed_today)[1]).get(
            spec.name
        )

    assert "minimum" in rule or "exclusiveMinimum" in rule
    if "minimum" in rule:
        assert (code_at("minimum"), code_at("minimum", -1)) == (None, "minimum")
    if "exclusiveMinimum" in rule:
        assert (code_at("exclusiveMinimum"), code_at("exclusiveMinimum", 1)) == ("minimum", None)
    assert (code_at("maximum"), code_at("maximum", 1)) == (None, "maximum")


PATTERN_FIELDS = {
    "email": "buying_confirmation",
    "phone": "buying_confirmation",
    "zip": "credit_check",
    "ssn": "credit_check",
    "date_of_birth": "credit_check",
    "vin": "dealer_network",
}
ACCEPTED = [
    ("email", "ana@example.com"),
    ("email", "first.last+tag@sub.example.co.uk"),
    ("phone", "+14155550123"),
    ("phone", "4155550123"),
    ("phone", "+442079460958"),
    ("zip", "02134"),
    ("vin", "1HGCM82633A004352"),
    ("vin", "1M8GDM9AXKP042788"),
    ("ssn", "123456789"),
    ("date_of_birth", "1990-05-01"),
]
REJECTED = [
    ("email", "ana@example"),
    ("phone", "12345"),
    ("zip", "9410"),
    ("vin", "1HGCM82633A00435"),
    ("ssn", "12345678"),
    ("date_of_birth", "01/05/1990"),
]
NORMALIZED_BY_THE_SERVER = [
    ("phone", "(415) 555-0123"),
    ("ssn", "123-45-6789"),
    ("vin", "1hgcm82633a004352"),
]


def client_normalize(rule: Mapping[str, object], sample: str) -> str:
    """What a client does with the described `normalize` before testing the pattern."""
    normalize = rule.get("normalize") or {}
    assert isinstance(normalize, dict)
    text = sample.strip()
    for char in str(normalize.get("remove", "")):
        text = text.replace(char, "")
    return text.upper() if normalize.get("case") == "upper" else text


def _pattern_and_server(name: str, sample: str, lookups: Lookups, today: date) -> tuple[bool, bool]:
    """Whether the described pattern matches the sample as the client normalizes it, and whether
    the server accepts it."""
    step = WORKFLOW.step(PATTERN_FIELDS[name])
    rule = field_rules(step, today)[name]
    pattern = rule["pattern"]
    assert isinstance(pattern, str)
    _, errors = validate(step, {name: sample}, lookups=lookups, today=today)
    matched = re.fullmatch(pattern, client_normalize(rule, sample))
    return bool(matched), name not in codes(errors)


@pytest.mark.parametrize("step_id", list(WORKFLOW.steps))
def test_described_patterns_are_portable_regexes(step_id: str, fixed_today: date) -> None:
    for rule in field_rules(WORKFLOW.step(step_id), fixed_today).values():
        pattern = rule.get("pattern")
        if pattern is None:
            continue
        assert isinstance(pattern, str)
        re.compile(pattern)
        assert (pattern[0], pattern[-1]) == ("^", "$")
        assert not any(token in pattern for token in ("(?P", "\\A", "\\Z", "(?i", "(?#"))


@pytest.mark.parametrize(("name", "sample"), ACCEPTED)
def test_pattern_and_server_both_accept(
    name: str, sample: str, fake_lookups: Lookups, fixed_today: date
) -> None:
    assert _pattern_and_server(name, sample, fake_lookups, fixed_today) == (True, True)


@pytest.mark.parametrize(("name", "sample"), REJECTED)
def test_pattern_and_server_both_reject(
    name: str, sample: str, fake_lookups: Lookups, fixed_today: date
) -> None:
    assert _pattern_and_server(name, sample, fake_lookups, fixed_today) == (False, False)


@pytest.mark.parametrize(("name", "sample"), NORMALIZED_BY_THE_SERVER)
def test_pattern_accepts_what_the_server_accepts_before_normalizing(
    name: str, sample: str, fake_lookups: Lookups, fixed_today: date
) -> None:
    assert _pattern_and_server(name, sample, fake_lookups, fixed_today) == (True, True)
