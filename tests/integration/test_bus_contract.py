"""The event bus's contract, proved on both transports: the in-memory one (one process, the
embedded default) and Redis (two `EventBus` instances standing for two processes, on a private
redis-server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from app.bus.event_bus import EventBus, SubscriberTooSlow
from tests.support.processes import RedisServer, running_redis

Pair = Callable[..., Awaitable[tuple[EventBus, EventBus]]]


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with running_redis() as server:
        yield server


@pytest.fixture(params=["memory", "redis"])
async def pair(request: pytest.FixtureRequest, redis_server: RedisServer) -> AsyncIterator[Pair]:
    """`await pair(**options)`: (publisher, subscriber) buses, connected; one bus for memory://."""
    opened: list[EventBus] = []

    async def open_bus(url: str, **options: Any) -> EventBus:
        bus = EventBus(url, **options)
        await bus.connect()
        opened.append(bus)
        return bus

    async def make(**options: Any) -> tuple[EventBus, EventBus]:
        if request.param == "memory":
            bus = await open_bus("memory://", **options)
            return bus, bus
        return await open_bus(redis_server.url), await open_bus(redis_server.url, **options)

    yield make
    for bus in opened:
        await bus.disconnect()


async def receive(live: AsyncIterator[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """The next `count` messages (fewer if the subscription ends), within 5 seconds."""
    received: list[dict[str, Any]] = []
    async with asyncio.timeout(5):
        async for message in live:
            received.append(message)
            if len(received) == count:
                break
    return received


async def test_what_is_published_after_subscribing_is_delivered(pair: Pair) -> None:
    publisher, subscriber = await pair()
    assert publisher.healthy
    assert subscriber.healthy
    async with subscriber.subscribe("trex.session.s1") as live:
        await publisher.publish("trex.session.s1", {"seq": 1, "type": "STEP_CHANGED"})
        assert await receive(live, 1) == [{"seq": 1, "type": "STEP_CHANGED"}]


async def test_messages_on_a_channel_arrive_in_the_order_published(pair: Pair) -> None:
    publisher, subscriber = await pair()
    async with subscriber.subscribe("trex.session.order") as live:
        for seq in range(300):
            await publisher.publish("trex.session.order", {"seq": seq})
        received = await receive(live, 300)
    assert [message["seq"] for message in received] == list(range(300))


async def test_other_channels_are_not_delivered(pair: Pair) -> None:
    publisher, subscriber = await pair()
    async with subscriber.subscribe("trex.lead.mine") as live:
        await publisher.publish("trex.lead.other", {"seq": 1})
        await publisher.publish("trex.lead.mine", {"seq": 2})
        assert await receive(live, 1) == [{"seq": 2}]


async def test_concurrent_first_subscribers_to_a_channel_all_receive(pair: Pair) -> None:
    publisher, subscriber = await pair()
    entered = asyncio.Semaphore(0)

    async def one() -> list[dict[str, Any]]:
        async with subscriber.subscribe("trex.site.first") as live:
            entered.release()
            return await receive(live, 1)

    readers = [asyncio.create_task(one()) for _ in range(5)]  # all start in the same loop turn
    for _ in readers:
        await asyncio.wait_for(entered.acquire(), timeout=5)
    await publisher.publish("trex.site.first", {"seq": 7})
    assert await asyncio.gather(*readers) == [[{"seq": 7}]] * 5


async def test_a_slow_subscriber_is_dropped_and_a_fast_one_keeps_receiving(pair: Pair) -> None:
    publisher, subscriber = await pair(queue_limit=10)
    async with (
        subscriber.subscribe("trex.session.busy") as slow,
        subscriber.subscribe("trex.session.busy") as fast,
    ):
        fast_reader = asyncio.create_task(receive(fast, 50))
        for seq in range(50):
            await publisher.publish("trex.session.busy", {"seq": seq})
            await asyncio.sleep(0)  # the fast reader keeps up; the slow one reads nothing
        assert [message["seq"] for message in await fast_reader] == list(range(50))
        held = await receive(slow, 10)  # what it held when it was dropped...
        assert [message["seq"] for message in held] == list(range(10))
        with pytest.raises(SubscriberTooSlow, match="fell 10 messages behind"):
            await anext(slow)  # ...then the clear close


async def test_disconnecting_ends_open_subscriptions(pair: Pair) -> None:
    publisher, subscriber = await pair()
    async with subscriber.subscribe("trex.session.end") as live:
        await publisher.publish("trex.session.end", {"seq": 1})
        assert await receive(live, 1) == [{"seq": 1}]
        await subscriber.disconnect()
        assert not subscriber.healthy
        assert await receive(live, 1) == []
