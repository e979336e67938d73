"""Validation of a step's input, and the same rules described for the client.

`validate` reports every failing field at once, each with a stable `code`; it never raises on
input, however malformed. `describe` turns the very same field definitions into the
`validationRules` JSON the client uses for inline hints, with each rule's text as `validate`
gives it (`messages`), so a client's hint is the server's message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as _field
from datetime import date
from typing import Protocol

from workflows import checks, messages
from workflows.model import Condition, Field, FieldType, Step

MAX_KEY_ECHO = 40


@dataclass(frozen=True, slots=True)
class FieldError:
    """`code`: the rule broken (the contract); `message_id`: the catalogue's text shown
    (`workflows.messages`; None for a refusal outside it), filled with `params`, the rule's own
    parameters (a limit, the allowed values), never the value given."""

    field: str
    code: str
    message: str
    message_id: str | None = None
    params: Mapping[str, object] = _field(default_factory=dict)

    def localized(self, locale: str) -> FieldError:
        """The same error with its message in `locale`."""
        if self.message_id is None or locale == messages.DEFAULT_LOCALE:
            return self
        return replace(self, message=messages.text(self.message_id, locale, self.params))


def _error(
    name: str, code: str, message_id: str, params: Mapping[str, object] | None = None
) -> FieldError:
    params = dict(params or {})
    return FieldError(name, code, messages.text(message_id, params=params), message_id, params)


class Lookups(Protocol):
    """Options known only to the service: catalogue makes, a make's models, dealers, listings.

    Returns the allowed values for `source` given the answers so far, or None when they cannot
    be known (for example the models of a make that was itself invalid)."""

    def options(self, source: str, answers: Mapping[str, object]) -> Collection[str] | None: ...


class _Invalid(Exception):
    def __init__(self, code: str, message_id: str, **params: object) -> None:
        super().__init__(message_id)
        self.code = code
        self.message_id = message_id
        self.params = params


def validate(
    step: Step, data: object, *, lookups: Lookups, today: date
) -> tuple[dict[str, object], list[FieldError]]:
    """Returns the normalized values and the errors; values are only meaningful without errors."""
    if not isinstance(data, Mapping):
        return {}, [_error("data", "type", "error.type.object")]
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
            message_id = spec.messages.get(invalid.code, invalid.message_id)
            errors.append(_error(spec.name, invalid.code, message_id, invalid.params))
    errors.extend(_order_errors(step, values))
    return values, errors


def _unknown(key: object) -> FieldError:
    return _error(str(key)[:MAX_KEY_ECHO], "unknown_field", "error.unknown_field")


def _is_missing(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list) and not raw


def _is_given(raw: object) -> bool:
    """Given as an alternative: present, and not a `false` that declines it."""
    return not _is_missing(raw) and raw is not False


# What a required field asks for when it is left empty, by its type: the visitor reads it beside
# the field, so it names the kind of answer, not the field's label.
_REQUIRED: Mapping[FieldType, str] = {
    FieldType.EMAIL: "error.required.email",
    FieldType.PHONE: "error.required.phone",
    FieldType.ZIP: "error.required.zip",
    FieldType.VIN: "error.required.vin",
    FieldType.SSN: "error.required.ssn",
    FieldType.DATE: "error.required.date",
    FieldType.INTEGER: "error.required.number",
    FieldType.NUMBER: "error.required.number",
    FieldType.ENUM: "error.required.choice",
    FieldType.MULTI_ENUM: "error.required.choices",
    FieldType.BOOLEAN: "error.required.choice",
}


def _required_id(spec: Field) -> str:
    if spec.must_be_true:
        return "error.must_be_true"
    return _REQUIRED.get(spec.type, "error.required.text")


def _missing(spec: Field, data: Mapping[object, object]) -> FieldError | None:
    """The error of an empty field, if it is needed: its definition's message for the rule
    (`messages`), else the rule's."""
    if spec.required_unless:
        if any(_is_given(data.get(other)) for other in spec.required_unless):
            return None
        message_id = spec.messages.get("one_of_required", "error.one_of_required")
        return _error(
            spec.name, "one_of_required", message_id, {"alternatives": list(spec.required_unless)}
        )
    if spec.required:
        return _error(spec.name, "required", spec.messages.get("required", _required_id(spec)))
    when = spec.required_when
    if when is not None and when.holds({str(k): v for k, v in data.items()}):
        message_id = spec.messages.get("required", "error.required_when")
        return _error(spec.name, "required", message_id, {"when": when.field})
    return None


def _check_field(
    spec: Field, raw: object, values: Mapping[str, object], lookups: Lookups, today: date
) -> object:
    value: object = _CHECKERS[spec.type](spec, raw, today)
    if spec.options_from is not None:
        value = _check_lookup(spec, value, values, lookups)
    if spec.must_be_true and value is not True:
        raise _Invalid("must_be_true", "error.must_be_true")
    return value


def _check_lookup(
    spec: Field, value: object, values: Mapping[str, object], lookups: Lookups
) -> object:
    allowed = lookups.options(spec.options_from or "", values)
    if allowed is None:
        raise _Invalid("unknown_option", "error.unknown_option.depends")
    by_folded = {option.casefold(): option for option in allowed}
    canonical = by_folded.get(str(value).casefold())
    if canonical is None:
        raise _Invalid("unknown_option", "error.unknown_option")
    return canonical


def _check_text(spec: Field, raw: object, _: date) -> str:
    if not isinstance(raw, str):
        raise _Invalid("type", "error.type.text")
    text = raw.strip()
    limit = spec.max_length or checks.DEFAULT_MAX_LENGTH.get(spec.type, 100)
    if len(text) > limit:
        raise _Invalid("max_length", "error.max_length", limit=limit)
    if spec.min_length is not None and len(text) < spec.min_length:
        raise _Invalid("min_length", "error.min_length", limit=spec.min_length)
    if checks.has_control_characters(text, allow_newlines=spec.type is FieldType.TEXT):
        raise _Invalid("invalid_characters", "error.invalid_characters")
    if spec.pattern is not None and not re.fullmatch(spec.pattern, text):
        raise _Invalid("pattern", "error.pattern")
    return text


def _check_formatted(spec: Field, raw: object, today: date) -> str:
    text = checks.normalize(spec.type, _check_text(spec, raw, today))
    if spec.type is FieldType.EMAIL:
        local, _, domain = text.rpartition("@")
        text = f"{local}@{domain.lower()}"
    if not checks.matches(spec.type, text):
        raise _Invalid("format", checks.format_message_id(spec.type, text))
    if spec.type is FieldType.PHONE and not text.startswith("+"):
        text = f"+{text}" if len(text) == 11 else f"+1{text}"  # 1 212 555 0199 or 212 555 0199
    if spec.type is FieldType.VIN and not checks.vin_check_digit_ok(text):
        raise _Invalid("vin_check_digit", "error.vin_check_digit")
    if spec.type is FieldType.SSN and not checks.ssn_is_issuable(text):
        raise _Invalid("ssn_invalid", "error.ssn_invalid")
    return text


def _check_date(spec: Field, raw: object, today: date) -> str:
    text = _check_formatted(spec, raw, today)
    try:
        born = date.fromisoformat(text)
    except ValueError:
        raise _Invalid("format", "error.format.date") from None
    age = checks.age_on(born, today)
    if spec.min_age is not None and age < spec.min_age:
        raise _Invalid("min_age", "error.min_age", min_age=spec.min_age)
    if spec.max_age is not None and age > spec.max_age:
        raise _Invalid("max_age", "error.max_age", max_age=spec.max_age)
    return text


def _check_number(spec: Field, raw: object, today: date) -> int | float:
    integral = spec.type is FieldType.INTEGER
    is_number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if not is_number or (integral and not isinstance(raw, int)):
        raise _Invalid("type", "error.type.whole_number" if integral else "error.type.number")
    assert isinstance(raw, int | float)
    if isinstance(raw, float) and not math.isfinite(raw):
        raise _Invalid("type", "error.type.number")
    _check_range(spec, raw, today)
    return raw


def _check_range(spec: Field, number: float, today: date) -> None:
    maximum = today.year + 1 if spec.maximum_is_next_year else spec.maximum
    if spec.exclusive_minimum is not None and number <= spec.exclusive_minimum:
        raise _Invalid("minimum", "error.exclusive_minimum", minimum=spec.exclusive_minimum)
    if spec.minimum is not None and number < spec.minimum:
        raise _Invalid("minimum", "error.minimum", minimum=spec.minimum)
    if maximum is not None and number > maximum:
        raise _Invalid("maximum", "error.maximum", maximum=maximum)


def _check_boolean(spec: Field, raw: object, _: date) -> bool:
    if not isinstance(raw, bool):
        raise _Invalid("type", "error.type.boolean")
    return raw


def _check_enum(spec: Field, raw: object, _: date) -> str:
    if not isinstance(raw, str):
        raise _Invalid("type", "error.type.choice")
    if spec.options and raw not in {option.value for option in spec.options}:
        raise _Invalid("enum", "error.enum", allowed=[option.value for option in spec.options])
    return raw


def _check_multi_enum(spec: Field, raw: object, today: date) -> list[str]:
    if not isinstance(raw, list):
        raise _Invalid("type", "error.type.list")
    if len(raw) > len(spec.options):
        raise _Invalid("max_items", "error.max_items", max_items=len(spec.options))
    chosen = [_check_enum(spec, item, today) for item in raw]
    if len(set(chosen)) != len(chosen):
        raise _Invalid("duplicate", "error.duplicate")
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
            errors.append(_error(high, "range_order", "error.range_order", {"low": low}))
    return errors


# A rule whose failure reads in more than one way has its other texts under `<code>.<variant>`:
# a VIN with I, O or Q; a choice whose options depend on a field not yet valid; a list's item of
# the wrong type.
VIN_LETTERS, DEPENDS, ITEM = "format.vin_letters", "unknown_option.depends", "type.item"

_TYPE_IDS: Mapping[FieldType, str] = {
    FieldType.INTEGER: "error.type.whole_number",
    FieldType.NUMBER: "error.type.number",
    FieldType.BOOLEAN: "error.type.boolean",
    FieldType.ENUM: "error.type.choice",
    FieldType.MULTI_ENUM: "error.type.list",
}
_TEXT_TYPES = frozenset(_CHECKERS) - frozenset(_TYPE_IDS)


def _missing_rule(spec: Field) -> tuple[str, str, dict[str, object]] | None:
    """The rule an empty field breaks, as `_missing` reports it: (code, message id, params)."""
    if spec.required_unless:
        alternatives: dict[str, object] = {"alternatives": list(spec.required_unless)}
        message_id = spec.messages.get("one_of_required", "error.one_of_required")
        return "one_of_required", message_id, alternatives
    if spec.required:
        return "required", spec.messages.get("required", _required_id(spec)), {}
    if spec.required_when is not None:
        message_id = spec.messages.get("required", "error.required_when")
        return "required", message_id, {"when": spec.required_when.field}
    return None


def _value_rules(spec: Field, today: date) -> dict[str, tuple[str, dict[str, object]]]:
    """The rules a given value of the field can break, as the checkers raise them:
    key (code, or `<code>.<variant>`) → (message id, params)."""
    found: dict[str, tuple[str, dict[str, object]]] = {}
    kind = spec.type
    if kind in _TEXT_TYPES:
        found["type"] = ("error.type.text", {})
        limit = spec.max_length or checks.DEFAULT_MAX_LENGTH.get(kind, 100)
        found["max_length"] = ("error.max_length", {"limit": limit})
        if spec.min_length is not None and spec.min_length > 1:
            found["min_length"] = ("error.min_length", {"limit": spec.min_length})
        found["invalid_characters"] = ("error.invalid_characters", {})
        if spec.pattern is not None:
            found["pattern"] = ("error.pattern", {})
    else:
        found["type"] = (_TYPE_IDS[kind], {})
    if kind in checks.FORMAT_MESSAGE_IDS:
        found["format"] = (checks.FORMAT_MESSAGE_IDS[kind], {})
    if kind is FieldType.VIN:
        found[VIN_LETTERS] = ("error.format.vin_letters", {})
        found["vin_check_digit"] = ("error.vin_check_digit", {})
    if kind is FieldType.SSN:
        found["ssn_invalid"] = ("error.ssn_invalid", {})
    if kind is FieldType.DATE:
        if spec.min_age is not None:
            found["min_age"] = ("error.min_age", {"min_age": spec.min_age})
        if spec.max_age is not None:
            found["max_age"] = ("error.max_age", {"max_age": spec.max_age})
    if kind in (FieldType.INTEGER, FieldType.NUMBER):
        maximum = today.year + 1 if spec.maximum_is_next_year else spec.maximum
        if spec.exclusive_minimum is not None:
            found["minimum"] = ("error.exclusive_minimum", {"minimum": spec.exclusive_minimum})
        elif spec.minimum is not None:
            found["minimum"] = ("error.minimum", {"minimum": spec.minimum})
        if maximum is not None:
            found["maximum"] = ("error.maximum", {"maximum": maximum})
    if kind in (FieldType.ENUM, FieldType.MULTI_ENUM) and spec.options:
        found["enum"] = ("error.enum", {"allowed": [option.value for option in spec.options]})
    if kind is FieldType.MULTI_ENUM:
        found[ITEM] = ("error.type.choice", {})
        if spec.options:
            found["max_items"] = ("error.max_items", {"max_items": len(spec.options)})
        if len(spec.options) > 1:
            found["duplicate"] = ("error.duplicate", {})
    if spec.options_from is not None:
        found["unknown_option"] = ("error.unknown_option", {})
        found[DEPENDS] = ("error.unknown_option.depends", {})
    if spec.must_be_true:
        found["must_be_true"] = ("error.must_be_true", {})
    # A definition's message for a rule replaces each of the rule's texts, as in `validate`.
    return {
        key: (spec.messages.get(key.split(".", 1)[0], message_id), params)
        for key, (message_id, params) in found.items()
    }


def rule_messages(
    spec: Field, today: date, locale: str = messages.DEFAULT_LOCALE, *, high_of: str | None = None
) -> dict[str, str]:
    """The texts `validate` gives for each rule the field has, in `locale`, by the rule's code
    (a rule's other texts under `<code>.<variant>`); `high_of`: the field is the high end of a
    `range_order` with that low field."""
    found: dict[str, tuple[str, Mapping[str, object]]] = {}
    missing = _missing_rule(spec)
    if missing is not None:
        found[missing[0]] = (missing[1], missing[2])
    found.update(_value_rules(spec, today))
    if high_of is not None:
        found["range_order"] = ("error.range_order", {"low": high_of})
    return {
        key: messages.text(message_id, locale, params)
        for key, (message_id, params) in found.items()
    }


def describe_field(
    spec: Field,
    today: date,
    locale: str = messages.DEFAULT_LOCALE,
    *,
    high_of: str | None = None,
) -> dict[str, object]:
    """The client-side description of one field's rules (JSON-ready), with `messages`: each
    rule's text in `locale`, the very one `validate` gives (`rule_messages`)."""
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
    rule["messages"] = rule_messages(spec, today, locale, high_of=high_of)
    return rule


def _plain_condition(when: Condition | None) -> dict[str, object] | None:
    if when is None:
        return None
    plain: dict[str, object] = {"field": when.field, "op": when.op.value}
    if when.value is not None:
        plain["value"] = list(when.value) if isinstance(when.value, tuple) else when.value
    return plain


def describe(step: Step, today: date, locale: str = messages.DEFAULT_LOCALE) -> dict[str, object]:
    """`validationRules` for a step: per-field rules plus the cross-field ones, each field's
    `messages` in `locale` (a cross-field rule's text in the messages of the field it is
    reported on, its high end)."""
    low_of = {high: low for low, high in step.ordered}
    return {
        "fields": {
            spec.name: describe_field(spec, today, locale, high_of=low_of.get(spec.name))
            for spec in step.fields
        },
        "crossField": [
            {"rule": "range_order", "low": low, "high": high} for low, high in step.ordered
        ],
    }
