"""`validationRules`' `messages` are the server's own texts: for every field of every shipped
definition, in both locales, each rule the description lists is made to fail in `validate`, and
the error it gives has that code and that very text; and whatever a field's bad value makes
`validate` say is in the field's `messages`."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import pytest

from workflows import checks, messages
from workflows.model import Component, Field, FieldType, Op, Step, Workflow
from workflows.registry import default
from workflows.rules import DEPENDS, ITEM, VIN_LETTERS, FieldError, describe, validate

TODAY = date(2026, 6, 15)
OFFERED = "Offered"


@dataclass(frozen=True)
class Options:
    """The service's options for every `optionsFrom`: these, or unknown (None)."""

    allowed: Collection[str] | None

    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None:
        return self.allowed


OFFERING, UNKNOWING = Options((OFFERED,)), Options(None)


def steps() -> Iterator[object]:
    seen: set[tuple[str, int, str]] = set()
    workflow: Workflow
    for workflow in default():
        for step in workflow.steps.values():
            if step.fields and (workflow.name, workflow.version, step.id) not in seen:
                seen.add((workflow.name, workflow.version, step.id))
                yield pytest.param(step, id=f"{workflow.name}.v{workflow.version}.{step.id}")


STEPS = list(steps())


def _years_ago(years: int) -> str:
    return TODAY.replace(year=TODAY.year - years).isoformat()


def _wrong_check_digit() -> str:
    vin = "1HGCM82633A004352"
    right = checks.vin_check_digit(vin)
    return vin[:8] + ("1" if right != "1" else "2") + vin[9:]


def _not_matching(pattern: str, limit: int) -> str:
    return next(c for c in ("~", "0", "a", "A1", "~~~") if not re.fullmatch(pattern, c))[:limit]


def _number_rule_value(spec: Field, key: str) -> int | float:
    if key == "minimum":
        bound = spec.exclusive_minimum if spec.exclusive_minimum is not None else spec.minimum
        assert bound is not None
        if spec.exclusive_minimum is not None:
            return bound if spec.type is FieldType.NUMBER else math.floor(bound)
        return math.ceil(bound) - 1
    maximum = TODAY.year + 1 if spec.maximum_is_next_year else spec.maximum
    assert maximum is not None
    return math.floor(maximum) + 1


def _condition_data(spec: Field) -> dict[str, object]:
    when = spec.required_when
    assert when is not None
    if when.op is Op.EQUALS:
        return {when.field: when.value}
    if when.op is Op.IN:
        assert isinstance(when.value, tuple)
        return {when.field: when.value[0]}
    if when.op is Op.IS_FALSE:
        return {when.field: False}
    return {when.field: True}


def _range_data(step: Step, high: str) -> dict[str, object]:
    low = next(lo for lo, hi in step.ordered if hi == high)
    specs = [step.field_named(low), step.field_named(high)]
    tops = [TODAY.year + 1 if s.maximum_is_next_year else s.maximum for s in specs if s]
    top = int(min((t for t in tops if t is not None), default=10**6))
    return {low: top, high: top - 1}


def failing(step: Step, spec: Field, key: str) -> tuple[dict[str, object], Options]:
    """Answers to `step` that make `spec` break the rule `key` (and lookups to check them)."""
    limit = spec.max_length or checks.DEFAULT_MAX_LENGTH.get(spec.type, 100)
    options = [option.value for option in spec.options]
    value: object
    if key in ("required", "one_of_required"):
        return (_condition_data(spec) if not spec.required and key == "required" else {}), OFFERING
    if key == "range_order":
        return _range_data(step, spec.name), OFFERING
    if key == DEPENDS:
        return {spec.name: "Nope"}, UNKNOWING
    by_key: dict[str, object] = {
        "max_length": "a" * (limit + 1),
        "min_length": "a" * ((spec.min_length or 2) - 1),
        "invalid_characters": "a\x07b",
        "pattern": _not_matching(spec.pattern or "", limit),
        "format": {FieldType.DATE: "2020-02-30", FieldType.EMAIL: "ada@"}.get(spec.type, "12"),
        VIN_LETTERS: "IIII",
        "vin_check_digit": _wrong_check_digit(),
        "ssn_invalid": "666123456",
        "min_age": _years_ago((spec.min_age or 0) - 1),
        "max_age": _years_ago((spec.max_age or 0) + 1) if spec.max_age else "",
        "enum": ["not-an-option"] if spec.type is FieldType.MULTI_ENUM else "not-an-option",
        ITEM: [5],
        "max_items": [*options, *options[:1]],
        "duplicate": options[:1] * 2,
        "unknown_option": "Nope",
        "must_be_true": False,
    }
    if key == "type":
        value = "x" if spec.type in (FieldType.INTEGER, FieldType.NUMBER) else 12345
        if spec.type in (FieldType.BOOLEAN, FieldType.MULTI_ENUM):
            value = "x"
    elif key in ("minimum", "maximum"):
        value = _number_rule_value(spec, key)
    else:
        value = by_key[key]
    return {spec.name: value}, OFFERING


def error_of(step: Step, field: str, data: dict[str, object], lookups: Options) -> FieldError:
    _, errors = validate(step, data, lookups=lookups, today=TODAY)
    found = [error for error in errors if error.field == field]
    assert len(found) == 1, (field, data, errors)
    return found[0]


def described(step: Step, locale: str) -> Mapping[str, Mapping[str, object]]:
    fields = describe(step, TODAY, locale)["fields"]
    assert isinstance(fields, Mapping)
    return fields


@pytest.mark.parametrize("locale", messages.LOCALES)
@pytest.mark.parametrize("step", STEPS)
def test_each_described_message_is_what_validate_says_when_its_rule_fails(
    step: Step, locale: str
) -> None:
    for spec in step.fields:
        said = described(step, locale)[spec.name]["messages"]
        assert isinstance(said, Mapping)
        assert said, spec.name
        for key, text in said.items():
            data, lookups = failing(step, spec, key)
            error = error_of(step, spec.name, data, lookups)
            assert error.code == key.split(".", 1)[0], (spec.name, key, data)
            assert error.localized(locale).message == text, (spec.name, key, data)
            assert "{" not in text, (spec.name, key)  # its parameters filled


BAD_VALUES: tuple[object, ...] = (
    None,
    "",
    "   ",
    12345,
    -1,
    0,
    1.5,
    10**12,
    "x",
    "a" * 1001,
    "a\x07b",
    "ada@",
    "IIII",
    "12",
    "2020-02-30",
    "1800-01-01",
    _years_ago(10),
    _wrong_check_digit(),
    "666123456",
    "Nope",
    False,
    True,
    [5],
    ["not-an-option"],
    ["x", "x"],
    {"a": 1},
)


@pytest.mark.parametrize("locale", messages.LOCALES)
@pytest.mark.parametrize("step", STEPS)
def test_whatever_validate_says_of_a_field_is_in_its_messages(step: Step, locale: str) -> None:
    checked = 0
    for spec in step.fields:
        said = described(step, locale)[spec.name]["messages"]
        assert isinstance(said, Mapping)
        options = [o.value for o in spec.options]
        values = [*BAD_VALUES, options * 2, options[:1] * 2]
        for value in values:
            for lookups in (OFFERING, UNKNOWING):
                _, errors = validate(step, {spec.name: value}, lookups=lookups, today=TODAY)
                for error in errors:
                    if error.field != spec.name:
                        continue
                    texts = {t for k, t in said.items() if k.split(".", 1)[0] == error.code}
                    assert error.localized(locale).message in texts, (spec.name, value, error)
                    checked += 1
    assert checked


def test_a_wrong_vin_has_both_of_its_format_texts() -> None:
    """The check can fail: a VIN's I, O or Q reads differently from a VIN too short."""
    vin = Field(name="vin", type=FieldType.VIN, label="VIN")
    said = describe(Step(id="s", component=next(iter(Component)), title="S", fields=(vin,)), TODAY)[
        "fields"
    ]
    assert isinstance(said, Mapping)
    assert said["vin"]["messages"]["format"] == messages.text("error.format.vin")
    assert said["vin"]["messages"][VIN_LETTERS] == messages.text("error.format.vin_letters")
