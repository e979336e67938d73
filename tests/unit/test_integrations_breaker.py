"""The circuit breaker: closed → open after N consecutive failures → half-open after the reset
time (one trial) → closed on success, open again on failure. Time is a manual clock."""

from __future__ import annotations

import pytest

from app.integrations.breaker import BreakerState, CircuitBreaker
from app.integrations.errors import CircuitOpen, Unavailable
from app.integrations.testing import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def breaker(clock: ManualClock) -> CircuitBreaker:
    return CircuitBreaker("lead-crm", failure_threshold=3, reset_seconds=30, clock=clock)


def state(breaker: CircuitBreaker) -> BreakerState:
    """The state now (a call, so mypy does not carry an earlier narrowing across calls)."""
    return breaker.state


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.before_call()
        breaker.record_failure()


def test_a_new_breaker_is_closed_and_lets_calls_through(breaker: CircuitBreaker) -> None:
    assert state(breaker) is BreakerState.CLOSED
    breaker.before_call()


def test_it_opens_on_the_nth_consecutive_failure_not_before(breaker: CircuitBreaker) -> None:
    fail(breaker, 2)
    assert state(breaker) is BreakerState.CLOSED
    fail(breaker, 1)
    assert state(breaker) is BreakerState.OPEN
    assert breaker.consecutive_failures == 3


def test_a_success_resets_the_count_of_consecutive_failures(breaker: CircuitBreaker) -> None:
    fail(breaker, 2)
    breaker.record_success()
    fail(breaker, 2)
    assert state(breaker) is BreakerState.CLOSED


def test_an_open_breaker_fails_fast_with_the_time_left(
    breaker: CircuitBreaker, clock: ManualClock
) -> None:
    fail(breaker, 3)
    clock.advance(10)
    with pytest.raises(CircuitOpen) as raised:
        breaker.before_call()
    assert raised.value.retry_after_seconds == pytest.approx(20)
    assert raised.value.service == "lead-crm"
    assert isinstance(raised.value, Unavailable)  # callers retry it durably like any outage
    assert "circuit open" in str(raised.value)


def test_after_the_reset_time_one_trial_call_goes_through(
    breaker: CircuitBreaker, clock: ManualClock
) -> None:
    fail(breaker, 3)
    clock.advance(29.9)
    assert state(breaker) is BreakerState.OPEN
    clock.advance(0.1)
    assert state(breaker) is BreakerState.HALF_OPEN
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpen):
        breaker.before_call()  # anyone else while the trial runs


def test_a_successful_trial_closes_the_circuit(breaker: CircuitBreaker, clock: ManualClock) -> None:
    fail(breaker, 3)
    clock.advance(30)
    breaker.before_call()
    breaker.record_success()
    assert state(breaker) is BreakerState.CLOSED
    assert breaker.consecutive_failures == 0
    breaker.before_call()
    breaker.before_call()


def test_a_failed_trial_opens_it_again_for_a_full_reset_time(
    breaker: CircuitBreaker, clock: ManualClock
) -> None:
    fail(breaker, 3)
    clock.advance(30)
    breaker.before_call()
    breaker.record_failure()  # a single failure suffices in half-open
    assert state(breaker) is BreakerState.OPEN
    clock.advance(29)
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.advance(1)
    assert state(breaker) is BreakerState.HALF_OPEN


def test_a_trial_that_never_reports_frees_its_slot_after_the_reset_time(
    breaker: CircuitBreaker, clock: ManualClock
) -> None:
    fail(breaker, 3)
    clock.advance(30)
    breaker.before_call()  # a trial that gets cancelled and never records anything
    clock.advance(29)
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.advance(1)
    breaker.before_call()  # a new trial


def test_asking_whether_it_is_open_takes_no_trial_slot(
    breaker: CircuitBreaker, clock: ManualClock
) -> None:
    breaker.raise_if_open()  # closed: nothing happens
    fail(breaker, 3)
    with pytest.raises(CircuitOpen):
        breaker.raise_if_open()
    clock.advance(30)
    breaker.raise_if_open()  # half-open: the trial is still there to take
    breaker.before_call()
    assert state(breaker) is BreakerState.HALF_OPEN


def test_breakers_are_independent(clock: ManualClock) -> None:
    crm = CircuitBreaker("lead-crm", failure_threshold=1, clock=clock)
    bureau = CircuitBreaker("credit-bureau", failure_threshold=1, clock=clock)
    fail(crm, 1)
    assert state(crm) is BreakerState.OPEN
    assert state(bureau) is BreakerState.CLOSED


@pytest.mark.parametrize(("threshold", "reset"), [(0, 30.0), (3, -1.0)])
def test_nonsense_settings_are_refused(threshold: int, reset: float) -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker("x", failure_threshold=threshold, reset_seconds=reset)


def test_the_manual_clock_does_not_go_back(clock: ManualClock) -> None:
    with pytest.raises(ValueError, match="does not go back"):
        clock.advance(-1)
