"""The rate limiter in memory: budgets, waits, rules that are off, and rates refused at start."""

from __future__ import annotations

import asyncio

import pytest

from app.bus.rate_limiter import RateLimiter, SweptMemoryStorage, parsed_rate
from app.settings import RateLimits


async def test_a_budget_is_used_then_refused_with_a_wait_and_keys_are_apart() -> None:
    limiter = RateLimiter(RateLimits(sessions_per_address="3/minute"))
    assert [await limiter.hit("sessions_per_address", "10.0.0.1") for _ in range(3)] == [None] * 3
    assert await limiter.exhausted("sessions_per_address", "10.0.0.1") is not None
    wait = await limiter.hit("sessions_per_address", "10.0.0.1")
    assert wait is not None
    assert 1 <= wait <= 120
    assert await limiter.hit("sessions_per_address", "10.0.0.2") is None
    assert await limiter.exhausted("sessions_per_address", "10.0.0.3") is None


async def test_several_rates_in_one_rule_each_count() -> None:
    limiter = RateLimiter(RateLimits(transitions_per_session="2/second;3/hour"))
    assert await limiter.hit("transitions_per_session", "s") is None
    assert await limiter.hit("transitions_per_session", "s") is None
    assert await limiter.hit("transitions_per_session", "s") is not None


@pytest.mark.parametrize("off", ["", "0", "off", " OFF "])
async def test_a_rule_can_be_off(off: str) -> None:
    limiter = RateLimiter(RateLimits(sessions_per_site=off))
    assert not limiter.active("sessions_per_site")
    assert all([await limiter.hit("sessions_per_site", "demo") is None for _ in range(50)])


@pytest.mark.parametrize(
    ("rate", "says"),
    [("lots", "is not a rate"), ("30/fortnight", "is not a rate"), ("0/minute", "write 0 or off")],
)
def test_a_rate_that_is_not_one_is_refused_naming_its_variable(rate: str, says: str) -> None:
    with pytest.raises(ValueError, match="TREX_RATE_SESSIONS_PER_ADDRESS") as refused:
        parsed_rate("sessions_per_address", rate)
    assert says in str(refused.value)


def test_the_defaults_are_rates() -> None:
    defaults = RateLimits()
    for name in RateLimits.__dataclass_fields__:
        assert parsed_rate(name, getattr(defaults, name))


async def test_memory_counts_expire_and_are_swept_without_a_scan_per_hit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage = SweptMemoryStorage()
    for number in range(100):
        await storage.incr(f"session-{number}", expiry=0.01)
    assert len(storage.storage) == 100  # no sweep yet: not once per hit
    await asyncio.sleep(0.02)
    assert await storage.get("session-1") == 0  # an expired key reads as nothing
    monkeypatch.setattr("app.bus.rate_limiter.SWEEP_SECONDS", 0.0)
    await storage.incr("fresh", expiry=60)
    assert set(storage.storage) == {"fresh"}
    assert set(storage.expirations) == {"fresh"}
