"""Why `app.bus.event_bus` does not use broadcaster's `Broadcast` and `RedisBackend` as
published: the three faults, pinned against broadcaster 0.3.1 on a private redis-server. The
same scenarios pass on our bus (`test_bus_contract.py`, `test_bus_redis.py`,
`test_bus_redis_restart.py`).

If one of these starts failing after an upgrade, broadcaster has fixed that fault: reconsider
whether our fan-out and backend are still needed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import broadcaster
import pytest
from broadcaster import Broadcast
from broadcaster._backends.redis import RedisBackend as PublishedRedisBackend
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.support.processes import RedisServer

pytestmark = pytest.mark.skipif(
    broadcaster.__version__ != "0.3.1", reason="pins the faults of broadcaster 0.3.1"
)


@pytest.fixture
async def raw(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest.fixture
async def published(redis_server: RedisServer) -> AsyncIterator[Broadcast]:
    """broadcaster as published, configured as production would be: with a socket timeout."""
    bus = Broadcast(f"{redis_server.url}?socket_timeout=5")
    await bus.connect()
    yield bus
    await bus.disconnect()


async def delivered_within(subscriber: broadcaster._base.Subscriber, seconds: float) -> bool:
    try:
        await asyncio.wait_for(subscriber.get(), timeout=seconds)
    except TimeoutError:
        return False
    return True


async def test_broadcaster_signals_ready_before_subscribing_and_stops_reading(
    published: Broadcast, raw: Redis
) -> None:
    async with published.subscribe("trex.session.s1") as subscriber:
        [(_, subscribed)] = await raw.pubsub_numsub("trex.session.s1")
        assert subscribed == 1  # Redis holds the subscription...
        assert await raw.publish("trex.session.s1", "{}") == 1  # ...and hands the message over,
        assert not await delivered_within(subscriber, 0.5)  # but nobody reads it


async def test_broadcaster_first_subscribers_overwrite_each_others_queue(
    published: Broadcast,
) -> None:
    entered = asyncio.Semaphore(0)
    leave = asyncio.Event()

    async def subscribe() -> None:
        async with published.subscribe("trex.site.first"):
            entered.release()
            await leave.wait()

    subscribers = [asyncio.create_task(subscribe()) for _ in range(2)]
    for _ in subscribers:
        await asyncio.wait_for(entered.acquire(), timeout=5)
    assert len(published._subscribers["trex.site.first"]) == 1  # two subscribers, one queue
    leave.set()
    outcomes = await asyncio.gather(*subscribers, return_exceptions=True)
    assert any(isinstance(outcome, KeyError) for outcome in outcomes)  # and leaving breaks


async def test_broadcaster_listener_dies_silently_when_redis_restarts(
    redis_server: RedisServer, raw: Redis
) -> None:
    bus = Broadcast(redis_server.url)  # no socket timeout: it does receive before the restart
    await bus.connect()
    try:
        async with bus.subscribe("trex.lead.l1") as subscriber:
            await raw.publish("trex.lead.l1", "{}")
            assert await delivered_within(subscriber, 5)
            redis_server.kill()
            await asyncio.to_thread(redis_server.start)
            await asyncio.sleep(0.5)
            await raw.publish("trex.lead.l1", "{}")
            assert not await delivered_within(subscriber, 0.5)
            backend = bus._backend
            assert isinstance(backend, PublishedRedisBackend)
            assert backend._listener is not None
            assert backend._listener.done()  # it died with the connection, and told no one
            assert isinstance(backend._listener.exception(), RedisConnectionError)
    finally:
        await bus.disconnect()
