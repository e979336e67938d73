from datetime import UTC, datetime

import pytest

from vehicles.vin import UNKNOWN_MANUFACTURER, catalogue_make, decode_vin
from workflows.checks import vin_check_digit


def _with_check_digit(draft: str) -> str:
    return draft[:8] + vin_check_digit(draft) + draft[9:]


def test_a_well_known_vin_decodes_to_make_year_and_country() -> None:
    decoded = decode_vin("1HGCM82633A004352")  # the Honda Accord that many VIN examples use

    assert decoded is not None
    assert decoded.make == "Honda"
    assert decoded.year == 2003
    assert decoded.country == "United States"
    assert decoded.check_digit_valid


def test_vin_is_normalised_before_decoding() -> None:
    decoded = decode_vin("  1hgcm82633a004352 ")

    assert decoded is not None
    assert decoded.vin == "1HGCM82633A004352"


@pytest.mark.parametrize(
    ("draft", "make", "year"),
    [
        ("5YJ3E1EA0KF000001", "Tesla", 2019),
        ("1C6RR7LT0CS000002", "Ram", 2012),
        ("W1KZF8DB0TA000003", "Mercedes-Benz", 2026),
        ("3GNAXKEV0LS000004", "Chevrolet", 2020),
        ("JM1BPBJL0PM000005", "Mazda", 2023),
    ],
)
def test_manufacturer_maps_to_our_make_and_the_most_recent_year(
    draft: str, make: str, year: int
) -> None:
    decoded = decode_vin(_with_check_digit(draft))

    assert decoded is not None
    assert (decoded.make, decoded.year, decoded.check_digit_valid) == (make, year, True)


def test_year_never_lies_beyond_next_year() -> None:
    decoded = decode_vin(_with_check_digit("1HGCM8263WA004352"))  # "W": 1998 or 2028
    next_year = datetime.now(tz=UTC).year + 1

    assert decoded is not None
    assert decoded.year == max(year for year in (1998, 2028) if year <= next_year)


def test_wrong_check_digit_is_reported() -> None:
    decoded = decode_vin("1HGCM82643A004352")

    assert decoded is not None
    assert not decoded.check_digit_valid


@pytest.mark.parametrize(
    "bad",
    ["", "1HGCM82633A00435", "1HGCM82633A0043521", "1HGCM82633A00435I", "1HGCM82633A00435O"],
)
def test_malformed_vin_is_rejected(bad: str) -> None:
    assert decode_vin(bad) is None


def test_unknown_manufacturer_has_no_make() -> None:
    decoded = decode_vin(_with_check_digit("ZZZ00000000000000"))

    assert decoded is not None
    assert decoded.manufacturer == UNKNOWN_MANUFACTURER
    assert decoded.make is None
    assert decoded.year is None


@pytest.mark.parametrize(
    ("manufacturer", "make"),
    [
        ("Chevrolet Mexico", "Chevrolet"),
        ("Mercedes Benz", "Mercedes-Benz"),
        ("BMW M", "BMW"),
        ("Tesla Motors USA", "Tesla"),
        ("Subaru / Scion", "Subaru"),
        ("Ram", "Ram"),
        ("General Motors", None),
        ("Souza Ramos - Mitsubishi / Suzuki", None),
        ("Genesis", None),
    ],
)
def test_catalogue_make_matches_whole_words(manufacturer: str, make: str | None) -> None:
    assert catalogue_make(manufacturer) == make
