"""The reconnect schedule: doubling from 50 ms, capped at 1 s, so a restarted Redis is noticed
within about a second however long it was down."""

from __future__ import annotations

import pytest

from app.bus.backoff import Backoff


def test_the_delay_doubles_from_the_first_and_stops_at_the_cap() -> None:
    schedule = [Backoff().delay(attempt) for attempt in range(8)]
    assert schedule == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0])


def test_a_long_outage_stays_at_the_cap_without_overflowing() -> None:
    assert Backoff().delay(10_000) == 1.0


def test_the_first_delay_and_the_cap_are_configurable() -> None:
    backoff = Backoff(first=0.2, cap=0.5)
    assert [backoff.delay(attempt) for attempt in range(4)] == pytest.approx([0.2, 0.4, 0.5, 0.5])


def test_a_negative_attempt_is_refused() -> None:
    with pytest.raises(ValueError, match="attempt"):
        Backoff().delay(-1)
