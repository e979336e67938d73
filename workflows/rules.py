"""Validation of a step's input, and the same rules described for the client.

`validate` reports every failing field at once, each with a stable `code`; it never raises on
input, however malformed. `describe` turns the very same field definitions into the
`validationRules` JSON the client uses for inline hints.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from workflows import checks
from workflows.model import Condition, Field, FieldType, Step

MAX_KEY_ECHO = 40


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: str
    message: str


class Lookups(Protocol):
    """Options known only to the service: catalogue makes, a make's models, dealers, listings.

    Returns the allowed values for `source` given the answers so far, or None when they cannot
    be known (for example the models of a make that was itself invalid)."""

    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None: ...


class _Invalid(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def validate(
    step: Step, data: object, *, lookups: Lookups, today: date
) -> tuple[dict[str, object], list[FieldError]]:
    """Returns the normalized values and the errors; values are only meaningful without errors."""
    if not isinstance(data, Mapping):
        return {}, [FieldError("data", "type", "The step's data must be a JSON object.")]
    errors = [_unknown(key) for key in data if step.field_named(str(key)) is None]
    values: dict[str, object] = {}
    for spec in step.fields:
        raw = data.get(spec.name)
        if _is_missing(raw):
            error = _missing(spec, data)
            if error:
                errors.append(error)
            continue
        try:
            values[spec.name] = _check_field(spec, raw, values, lookups, today)
        except _Invalid as invalid:
            errors.append(FieldError(spec.name, invalid.code, invalid.message))
    errors.extend(_order_errors(step, values))
    return values, errors


def _unknown(key: object) -> FieldError:
    shown = str(key)[:MAX_KEY_ECHO]
    return FieldError(shown, "unknown_field", f"'{shown}' is not a field of this step.")


def _is_missing(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list) and not raw


def _is_given(raw: object) -> bool:
    """Given as an alternative: present, and not a `false` that declines it."""
    return not _is_missing(raw) and raw is not False


def _missing(spec: Field, data: Mapping[object, object]) -> FieldError | None:
    if spec.required_unless:
        if any(_is_given(data.get(other)) for other in spec.required_unless):
            return None
        others = " or ".join(spec.required_unless)
        return FieldError(spec.name, "one_of_required", f"Give {spec.label} or {others}.")
    if spec.required:
        return FieldError(spec.name, "required", f"{spec.label} is required.")
    when = spec.required_when
    if when is not None and when.holds({str(k): v for k, v in data.items()}):
        message = f"{spec.label} is required for the {when.value or when.field} you chose."
        return FieldError(spec.name, "required", message)
    return None


def _check_field(
    spec: Field, raw: object, values: Mapping[str, object], lookups: Lookups, today: date
) -> object:
    value: object = _CHECKERS[spec.type](spec, raw, today)
    if spec.options_from is not None:
        value = _check_lookup(spec, value, values, lookups)
    if spec.must_be_true and value is not True:
        raise _Invalid("must_be_true", "Tick this box to continue.")
    return value


def _check_lookup(
    spec: Field, value: object, values: Mapping[str, object], lookups: Lookups
) -> object:
    allowed = lookups.options(spec.options_from or "", values)
    if allowed is None:
        raise _Invalid(
            "unknown_option",
            f"{spec.label} cannot be checked until the fields it depends on are valid.",
        )
    by_folded = {option.casefold(): option for option in allowed}
    canonical = by_folded.get(str(value).casefold())
    if canonical is None:
        raise _Invalid("unknown_option", f"{spec.label} is not one of the available options.")
    return canonical


def _check_text(spec: Field, raw: object, _: date) -> str:
    if not isinstance(raw, str):
        raise _Invalid("type", f"{spec.label} must be text.")
    text = raw.strip()
    limit = spec.max_length or checks.DEFAULT_MAX_LENGTH.get(spec.type, 100)
    if len(text) > limit:
        raise _Invalid("max_length", f"{spec.label} must be at most {limit} characters.")
    if spec.min_length is not None and len(text) < spec.min_length:
        raise _Invalid("min_length", f"{spec.label} must be at least {spec.min_length} characters.")
    if checks.has_control_characters(text, allow_newlines=spec.type is FieldType.TEXT):
        raise _Invalid("invalid_characters", f"{spec.label} contains control characters.")
    if spec.pattern is not None and not re.fullmatch(spec.pattern, text):
        raise _Invalid("pattern", f"{spec.label} is not in the expected format.")
    return text


def _check_formatted(spec: Field, raw: object, today: date) -> str:
    text = checks.normalize(spec.type, _check_text(spec, raw, today))
    if spec.type is FieldType.EMAIL:
        local, _, domain = text.rpartition("@")
        text = f"{local}@{domain.lower()}"
    if not checks.matches(spec.type, text):
        raise _Invalid("format", checks.MESSAGES[spec.type])
    if spec.type is FieldType.PHONE and not text.startswith("+"):
        text = f"+{text}" if len(text) == 11 else f"+1{text}"  # 1 212 555 0199 or 212 555 0199
    if spec.type is FieldType.VIN and not checks.vin_check_digit_ok(text):
        raise _Invalid("vin_check_digit", "This VIN's check digit does not match: check for typos.")
    if spec.type is FieldType.SSN and not checks.ssn_is_issuable(text):
        raise _Invalid("ssn_invalid", "This is not a valid Social Security number.")
    return text


def _check_date(spec: Field, raw: object, today: date) -> str:
    text = _check_formatted(spec, raw, today)
    try:
        born = date.fromisoformat(text)
    except ValueError:
        raise _Invalid("format", checks.MESSAGES[FieldType.DATE]) from None
    age = checks.age_on(born, today)
    if spec.min_age is not None and age < spec.min_age:
        raise _Invalid("min_age", f"You must be at least {spec.min_age} years old.")
    if spec.max_age is not None and age > spec.max_age:
        raise _Invalid("max_age", f"{spec.label} must be at most {spec.max_age} years ago.")
    return text


def _check_number(spec: Field, raw: object, today: date) -> int | float:
    integral = spec.type is FieldType.INTEGER
    is_number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if not is_number or (integral and not isinstance(raw, int)):
        kind = "a whole number" if integral else "a number"
        raise _Invalid("type", f"{spec.label} must be {kind}.")
    assert isinstance(raw, int | float)
    if isinstance(raw, float) and not math.isfinite(raw):
        raise _Invalid("type", f"{spec.label} must be a finite number.")
    _check_range(spec, raw, today)
    return raw


def _check_range(spec: Field, number: float, today: date) -> None:
    maximum = today.year + 1 if spec.maximum_is_next_year else spec.maximum
    if spec.exclusive_minimum is not None and number <= spec.exclusive_minimum:
        raise _Invalid("minimum", f"{spec.label} must be more than {spec.exclusive_minimum:g}.")
    if spec.minimum is not None and number < spec.minimum:
        raise _Invalid("minimum", f"{spec.label} must be at least {spec.minimum:g}.")
    if maximum is not None and number > maximum:
        raise _Invalid("maximum", f"{spec.label} must be at most {maximum:g}.")


def _check_boolean(spec: Field, raw: object, _: date) -> bool:
    if not isinstance(raw, bool):
        raise _Invalid("type", f"{spec.label} must be true or false.")
    return raw


def _check_enum(spec: Field, raw: object, _: date) -> str:
    if not isinstance(raw, str):
        raise _Invalid("type", f"{spec.label} must be text.")
    if spec.options and raw not in {option.value for option in spec.options}:
        allowed = ", ".join(option.value for option in spec.options)
        raise _Invalid("enum", f"{spec.label} must be one of: {allowed}.")
    return raw


def _check_multi_enum(spec: Field, raw: object, today: date) -> list[str]:
    if not isinstance(raw, list):
        raise _Invalid("type", f"{spec.label} must be a list.")
    if len(raw) > len(spec.options):
        raise _Invalid("max_items", f"{spec.label} has more items than there are options.")
    chosen = [_check_enum(spec, item, today) for item in raw]
    if len(set(chosen)) != len(chosen):
        raise _Invalid("duplicate", f"{spec.label} lists an option twice.")
    return chosen


_CHECKERS = {
    FieldType.STRING: _check_text,
    FieldType.TEXT: _check_text,
    FieldType.INTEGER: _check_number,
    FieldType.NUMBER: _check_number,
    FieldType.BOOLEAN: _check_boolean,
    FieldType.DATE: _check_date,
    FieldType.ENUM: _check_enum,
    FieldType.MULTI_ENUM: _check_multi_enum,
    FieldType.EMAIL: _check_formatted,
    FieldType.PHONE: _check_formatted,
    FieldType.ZIP: _check_formatted,
    FieldType.VIN: _check_formatted,
    FieldType.SSN: _check_formatted,
}


def _order_errors(step: Step, values: Mapping[str, object]) -> list[FieldError]:
    errors = []
    for low, high in step.ordered:
        low_value, high_value = values.get(low), values.get(high)
        both = isinstance(low_value, int | float) and isinstance(high_value, int | float)
        if both and low_value > high_value:  # type: ignore[operator]
            message = f"{high} must not be less than {low} ({low_value:g})."
            errors.append(FieldError(high, "range_order", message))
    return errors


def describe_field(spec: Field, today: date) -> dict[str, object]:
    """The client-side description of one field's rules (JSON-ready)."""
    rule: dict[str, object] = {"type": spec.type.value, "required": spec.required}
    maximum = today.year + 1 if spec.maximum_is_next_year else spec.maximum
    optional: dict[str, object | None] = {
        "requiredUnless": list(spec.required_unless) or None,
        "requiredWhen": _plain_condition(spec.required_when),
        "default": spec.default,
        "minimum": spec.minimum,
        "exclusiveMinimum": spec.exclusive_minimum,
        "maximum": maximum,
        "minLength": spec.min_length,
        "maxLength": spec.max_length or checks.DEFAULT_MAX_LENGTH.get(spec.type),
        "pattern": spec.pattern or checks.PATTERNS.get(spec.type),
        "enum": [option.value for option in spec.options] or None,
        "optionsFrom": spec.options_from,
        "mustBeTrue": spec.must_be_true or None,
        "minAge": spec.min_age,
        "maxAge": spec.max_age,
        "normalize": checks.NORMALIZE.get(spec.type),
        "checkDigit": "vin" if spec.type is FieldType.VIN else None,
    }
    rule.update({key: value for key, value in optional.items() if value is not None})
    return rule


def _plain_condition(when: Condition | None) -> dict[str, object] | None:
    if when is None:
        return None
    plain: dict[str, object] = {"field": when.field, "op": when.op.value}
    if when.value is not None:
        plain["value"] = list(when.value) if isinstance(when.value, tuple) else when.value
    return plain


def describe(step: Step, today: date) -> dict[str, object]:
    """`validationRules` for a step: per-field rules plus the cross-field ones."""
    return {
        "fields": {spec.name: describe_field(spec, today) for spec in step.fields},
        "crossField": [
            {"rule": "range_order", "low": low, "high": high} for low, high in step.ordered
        ],
    }
