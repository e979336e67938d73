"""The Redis transport's own guarantees, on a private redis-server: SUBSCRIBE confirmed before
`subscribe` returns, delivery from a real second process, one Redis subscription per channel
per process and UNSUBSCRIBE when its last subscriber leaves."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from redis.asyncio import Redis

from app.bus.event_bus import EventBus
from tests.support.processes import RedisServer, running_redis


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with running_redis() as server:
        yield server


@pytest.fixture
async def bus(redis_server: RedisServer) -> AsyncIterator[EventBus]:
    bus = EventBus(redis_server.url)
    await bus.connect()
    yield bus
    await bus.disconnect()


@pytest.fixture
async def raw(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A plain client on its own connection: a publisher in 'another process', and a witness."""
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


async def subscriber_count(raw: Redis, channel: str) -> int:
    [(_, count)] = await raw.pubsub_numsub(channel)
    return int(count)


async def channels(raw: Redis) -> set[str]:
    return {name.decode() for name in await raw.pubsub_channels()}


async def next_message(live: AsyncIterator[dict[str, Any]]) -> dict[str, Any]:
    return await asyncio.wait_for(anext(live), timeout=5)


async def test_subscribe_returns_only_once_redis_has_subscribed(bus: EventBus, raw: Redis) -> None:
    for round_ in range(20):
        channel = f"trex.session.confirmed-{round_}"
        async with bus.subscribe(channel) as live:
            # no wait, no retry: Redis already counts the subscriber and delivers at once
            assert await subscriber_count(raw, channel) == 1
            assert await raw.publish(channel, f'{{"seq": {round_}}}') == 1
            assert await next_message(live) == {"seq": round_}


async def test_a_message_from_another_process_is_delivered(
    bus: EventBus, redis_server: RedisServer
) -> None:
    publisher = textwrap.dedent(f"""
        import asyncio
        from app.bus.event_bus import EventBus

        async def main() -> None:
            bus = EventBus({redis_server.url!r})
            await bus.connect()
            for seq in range(20):
                await bus.publish("trex.lead.from-afar", {{"seq": seq}})
            await bus.disconnect()

        asyncio.run(main())
    """)
    async with bus.subscribe("trex.lead.from-afar") as live:
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", publisher)
        try:
            assert await asyncio.wait_for(process.wait(), timeout=15) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert [(await next_message(live))["seq"] for _ in range(20)] == list(range(20))


async def test_one_redis_subscription_per_channel_and_unsubscribe_after_the_last(
    bus: EventBus, raw: Redis
) -> None:
    channel = "trex.site.shared"
    async with AsyncExitStack() as first:
        await first.enter_async_context(bus.subscribe(channel))
        async with AsyncExitStack() as others:
            for _ in range(3):
                await others.enter_async_context(bus.subscribe(channel))
            assert await subscriber_count(raw, channel) == 1  # one bus: one SUBSCRIBE
        assert channel in await channels(raw)  # one local subscriber left: still subscribed
    assert channel not in await channels(raw)  # the last one left: UNSUBSCRIBE confirmed


async def test_two_processes_on_a_channel_are_two_redis_subscribers(
    bus: EventBus, raw: Redis, redis_server: RedisServer
) -> None:
    other = EventBus(redis_server.url)
    await other.connect()
    try:
        async with (
            bus.subscribe("trex.lead.both") as mine,
            other.subscribe("trex.lead.both") as its,
        ):
            assert await subscriber_count(raw, "trex.lead.both") == 2
            await bus.publish("trex.lead.both", {"seq": 1})
            assert await next_message(mine) == await next_message(its) == {"seq": 1}
    finally:
        await other.disconnect()


async def test_fan_out_to_many_subscribers_of_one_channel(bus: EventBus, raw: Redis) -> None:
    channel = "trex.site.crowd"
    async with AsyncExitStack() as stack:
        crowd = [await stack.enter_async_context(bus.subscribe(channel)) for _ in range(1000)]
        started = time.perf_counter()
        await raw.publish(channel, '{"seq": 1}')
        received = await asyncio.gather(*(next_message(live) for live in crowd))
        elapsed = time.perf_counter() - started
    assert received == [{"seq": 1}] * 1000
    assert elapsed < 1.0, f"1,000 subscribers took {elapsed:.3f}s"
