"""The rate limiter on a real Redis (a private redis-server): counts shared by two limiters (two
servers), and Redis going away lets requests through with one warning, not an error."""

from __future__ import annotations

import logging
import secrets

import pytest

from app.bus.rate_limiter import RateLimiter
from app.settings import RateLimits
from tests.support.processes import RedisServer

RATES = RateLimits(sessions_per_address="2/minute")


async def test_two_limiters_on_one_redis_share_the_budget(redis_server: RedisServer) -> None:
    first, second = RateLimiter(RATES, redis_server.url), RateLimiter(RATES, redis_server.url)
    try:
        address = f"10.1.{secrets.randbelow(256)}.{secrets.randbelow(256)}"
        assert await first.hit("sessions_per_address", address) is None
        assert await second.hit("sessions_per_address", address) is None
        wait = await first.hit("sessions_per_address", address)
        assert wait is not None
        assert wait >= 1
        assert await second.exhausted("sessions_per_address", address) is not None
        assert await second.hit("sessions_per_address", "another") is None
    finally:
        await first.aclose()
        await second.aclose()


async def test_without_redis_requests_pass_with_one_warning(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RateLimiter(RATES, redis_server.url)
    try:
        assert await limiter.hit("sessions_per_address", "10.9.9.9") is None
        redis_server.kill()
        with caplog.at_level(logging.WARNING, logger="trex.ratelimits"):
            answers = [await limiter.hit("sessions_per_address", "10.9.9.9") for _ in range(10)]
            answers.append(await limiter.exhausted("token_failures_per_address", "10.9.9.9"))
        assert answers == [None] * 11  # let through, although over the budget of two
        warnings = [r for r in caplog.records if r.name == "trex.ratelimits"]
        assert len(warnings) == 1
        assert "10.9.9.9" not in warnings[0].getMessage()
    finally:
        await limiter.aclose()


async def test_a_frozen_redis_is_waited_for_a_quarter_second_at_most(
    redis_server: RedisServer,
) -> None:
    limiter = RateLimiter(RATES, redis_server.url)
    try:
        assert await limiter.hit("sessions_per_address", "10.8.8.8") is None
        redis_server.freeze()
        try:
            assert [await limiter.hit("sessions_per_address", "10.8.8.8") for _ in range(3)] == [
                None
            ] * 3
        finally:
            redis_server.thaw()
    finally:
        await limiter.aclose()
