"""Format checks shared by the validator and the rules sent to the client: one table, two ends."""

from __future__ import annotations

import re
from datetime import date

from workflows.model import FieldType

# Patterns the client can evaluate too (ECMAScript-compatible).
PATTERNS: dict[FieldType, str] = {
    FieldType.EMAIL: r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$",
    FieldType.PHONE: r"^(\+[1-9][0-9]{7,14}|1?[0-9]{10})$",
    FieldType.ZIP: r"^[0-9]{5}$",
    FieldType.VIN: r"^[A-HJ-NPR-Z0-9]{17}$",
    FieldType.SSN: r"^[0-9]{9}$",
    FieldType.DATE: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}

# The catalogue's message for a value not in its type's format (`error.format.<type>`); sent to
# clients in each field's `validationRules.messages` (workflows.rules.describe_field).
FORMAT_MESSAGE_IDS: dict[FieldType, str] = {kind: f"error.format.{kind.value}" for kind in PATTERNS}

DEFAULT_MAX_LENGTH: dict[FieldType, int] = {
    FieldType.STRING: 100,
    FieldType.TEXT: 1000,
    FieldType.EMAIL: 254,
    FieldType.PHONE: 20,
    FieldType.ZIP: 10,
    FieldType.VIN: 24,  # as typed or pasted, spaces and dashes included: 17 once normalized
    FieldType.SSN: 11,
    FieldType.DATE: 10,
}

# How a value is normalized before its pattern is checked: characters removed, case changed.
# The server applies it; the client is told it with the pattern and applies the same.
# Phone numbers come as people write them: "+1 (212) 555-0199", "212.555.0199", "1-212-555-0199",
# "212/555 0199", with a no-break space or a typographic dash from a pasted signature.
_SPACES_AND_DASHES = " \u00a0\u2009\u202f-\u2010\u2011\u2012\u2013\u2014"
NORMALIZE: dict[FieldType, dict[str, str]] = {
    FieldType.PHONE: {"remove": _SPACES_AND_DASHES + "()./"},
    FieldType.SSN: {"remove": _SPACES_AND_DASHES},
    FieldType.VIN: {"remove": _SPACES_AND_DASHES, "case": "upper"},
}
# Letters a VIN never has (they read as 1 and 0).
VIN_EXCLUDED = re.compile(r"[IOQ]")

_COMPILED = {kind: re.compile(pattern) for kind, pattern in PATTERNS.items()}
# C0 and C1 control characters; text fields may also hold line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_VIN_VALUES = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def matches(kind: FieldType, text: str) -> bool:
    return bool(_COMPILED[kind].fullmatch(text))


def format_message_id(kind: FieldType, normalized: str) -> str:
    """The message for a value not in `kind`'s format: a VIN with I, O or Q says so."""
    if kind is FieldType.VIN and VIN_EXCLUDED.search(normalized):
        return "error.format.vin_letters"
    return FORMAT_MESSAGE_IDS[kind]


def has_control_characters(text: str, *, allow_newlines: bool) -> bool:
    return bool((_CONTROL_IN_TEXT if allow_newlines else _CONTROL).search(text))


def normalize(kind: FieldType, text: str) -> str:
    rule = NORMALIZE.get(kind, {})
    if "remove" in rule:
        text = text.translate(str.maketrans("", "", rule["remove"]))
    return text.upper() if rule.get("case") == "upper" else text


def vin_check_digit(vin: str) -> str:
    """The check digit (position 9, FMVSS 115) that a 17-character VIN should carry."""
    total = sum(_VIN_VALUES[char] * weight for char, weight in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_check_digit_ok(vin: str) -> bool:
    return vin[8] == vin_check_digit(vin)


def ssn_is_issuable(ssn: str) -> bool:
    """Never issued: area 000, 666 or 900-999; group 00; serial 0000."""
    area, group, serial = ssn[:3], ssn[3:5], ssn[5:]
    return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


def age_on(born: date, today: date) -> int:
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)
