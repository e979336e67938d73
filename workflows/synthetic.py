"""A valid stand-in for an answer the history does not keep (a personal or secret value).

The history records which personal fields were answered, not what was answered; a shadow replay
(`workflows.replay`) submits these instead, each valid for the field's type and rules as the
version replayed over defines them: an e-mail address, a date of birth 30 years back, a number
inside the field's range. None of them is anyone's."""

from __future__ import annotations

from datetime import date

from workflows.model import Field, FieldType

AGE_YEARS = 30
NUMBER = 50_000
_FORMATTED: dict[FieldType, str] = {
    FieldType.EMAIL: "replay@example.com",
    FieldType.PHONE: "+14155550100",
    FieldType.ZIP: "10001",
    FieldType.VIN: "1HGCM82633A004352",
    FieldType.SSN: "123456780",
}


def synthetic(spec: Field, today: date) -> object:
    """A value `spec` accepts on `today` (a text field's pattern aside: it cannot be guessed)."""
    if spec.type in _FORMATTED:
        return _FORMATTED[spec.type]
    if spec.type is FieldType.DATE:
        return _birth_date(spec, today).isoformat()
    if spec.type in (FieldType.INTEGER, FieldType.NUMBER):
        return _number(spec, today)
    if spec.type is FieldType.BOOLEAN:
        return True
    first = spec.options[0].value if spec.options else "replay"
    if spec.type is FieldType.ENUM:
        return first
    if spec.type is FieldType.MULTI_ENUM:
        return [first]
    return _text(spec)


def _birth_date(spec: Field, today: date) -> date:
    age = max(AGE_YEARS, spec.min_age or 0)
    if spec.max_age is not None:
        age = min(age, spec.max_age)
    return date(today.year - age, today.month, min(today.day, 28))


def _number(spec: Field, today: date) -> int:
    low = spec.minimum if spec.minimum is not None else None
    if spec.exclusive_minimum is not None:
        low = max(low or spec.exclusive_minimum, spec.exclusive_minimum + 1)
    high = today.year + 1 if spec.maximum_is_next_year else spec.maximum
    value = float(NUMBER)
    if high is not None:
        value = min(value, high)
    if low is not None:
        value = max(value, low)
    return int(value)


def _text(spec: Field) -> str:
    text = "Replay"
    if spec.min_length is not None:
        text = text.ljust(spec.min_length, "x")
    return text[: spec.max_length] if spec.max_length else text
