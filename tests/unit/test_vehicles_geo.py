import pytest

from vehicles.geo import city_and_state, distance_miles, is_known_zip


def test_new_york_to_los_angeles_is_about_2450_miles() -> None:
    miles = distance_miles("10001", "90001")

    assert miles == pytest.approx(2450, rel=0.05)


def test_distance_is_symmetric_and_zero_to_itself() -> None:
    there = distance_miles("60601", "02108")
    back = distance_miles("02108", "60601")

    assert there is not None
    assert there == pytest.approx(back)
    assert distance_miles("60601", "60601") == 0


def test_nearby_zips_are_a_few_miles_apart() -> None:
    miles = distance_miles("10001", "10002")  # Midtown to the Lower East Side

    assert miles is not None
    assert 0 < miles < 5


@pytest.mark.parametrize("unknown", ["00000", "99999", "abcde", "1234", "123456", "", "10001-1234"])
def test_unknown_or_malformed_zip_has_no_distance(unknown: str) -> None:
    assert distance_miles("10001", unknown) is None
    assert distance_miles(unknown, "10001") is None
    assert not is_known_zip(unknown)


def test_known_zip_is_known_with_its_city() -> None:
    assert is_known_zip("90001")
    assert city_and_state("10001") == ("New York", "NY")
    assert city_and_state("00000") is None
