"""Phone and VIN inputs accept what people type: separators, brackets, dots, lowercase, spaces
and dashes (typographic ones too) are normalized away; a VIN with I, O or Q says why it is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.registry import definition
from workflows.rules import FieldError, validate

TREX = definition("trex")
CONTACT = TREX.step("buying_confirmation")
VEHICLE = TREX.step("dealer_network")
TODAY = date(2026, 12, 2)


class _NoLookups:
    def options(self, source: str, answers: object) -> None:
        return None


def _checked(step_name: str, field: str, raw: str) -> tuple[object, FieldError | None]:
    step = TREX.step(step_name)
    values, errors = validate(step, {field: raw}, lookups=_NoLookups(), today=TODAY)
    mine = [error for error in errors if error.field == field]
    return values.get(field), (mine[0] if mine else None)


@pytest.mark.parametrize(
    "typed",
    [
        "+1 (212) 555-0199",
        "212.555.0199",
        "1-212-555-0199",
        "(212) 555-0199",
        "212 555 0199",
        "212/555-0199",
        "+1 212 555 0199",
        "212\u2011555\u20110199",  # non-breaking hyphens, pasted from a signature
        "212\u00a0555\u00a00199",  # no-break spaces
        "1 (212) 555\u20130199",  # an en dash
    ],
)
def test_a_us_phone_number_is_accepted_as_people_type_it(typed: str) -> None:
    value, error = _checked("buying_confirmation", "phone", typed)
    assert error is None
    assert value == "+12125550199"


@pytest.mark.parametrize("typed", ["212-555-019", "555-0198", "call me", "2 212 555 0199"])
def test_a_phone_number_that_is_not_one_is_refused_with_its_format(typed: str) -> None:
    value, error = _checked("buying_confirmation", "phone", typed)
    assert value is None
    assert error is not None
    assert (error.code, error.message_id) == ("format", "error.format.phone")
    assert typed not in error.message


@pytest.mark.parametrize(
    "typed",
    [
        "1hg cm826-33a004352",
        "1HGCM82633A004352",
        "1hgcm82633a004352",
        " 1HG-CM8-2633-A004352 ",
        "1HG CM826 33A 004352",
        "1hg\u2013cm826\u201333a004352",  # en dashes
    ],
)
def test_a_vin_is_accepted_in_any_case_with_spaces_or_dashes(typed: str) -> None:
    value, error = _checked("dealer_network", "vin", typed)
    assert error is None
    assert value == "1HGCM82633A004352"


@pytest.mark.parametrize("typed", ["1HGCM82633AOO4352", "1hgcm82633ai04352", "1HGCM8263QA004352"])
def test_a_vin_with_i_o_or_q_says_those_letters_are_never_used(typed: str) -> None:
    value, error = _checked("dealer_network", "vin", typed)
    assert value is None
    assert error is not None
    assert (error.code, error.message_id) == ("format", "error.format.vin_letters")
    assert error.message == "A VIN never has the letters I, O or Q: check for a 1 or a 0."
    assert error.localized("es-US").message.startswith("Un VIN nunca lleva las letras I, O ni Q")


def test_a_vin_of_the_wrong_length_or_check_digit_says_so() -> None:
    _, short = _checked("dealer_network", "vin", "1HGCM82633A00435")
    _, typo = _checked("dealer_network", "vin", "1HGCM82643A004352")
    assert short is not None
    assert short.message_id == "error.format.vin"
    assert typo is not None
    assert (typo.code, typo.message_id) == (
        "vin_check_digit",
        "error.vin_check_digit",
    )
