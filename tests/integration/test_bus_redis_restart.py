"""Redis failing under a running bus: killed and restarted on the same port, or frozen. The bus
reports it (`healthy`), fails fast instead of hanging, and comes back by itself: live delivery
resumes without restarting anything."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.bus.backoff import Backoff
from app.bus.errors import BusUnavailable
from app.bus.event_bus import EventBus
from app.bus.fanout import Fanout
from app.bus.redis_backend import RedisBackend
from tests.support.processes import RedisServer
from tests.support.waiting import eventually

RESUME_WITHIN_SECONDS = 5.0
DOWN_FOR_SECONDS = 2.5  # long enough for the reconnect backoff to reach its cap


@pytest.fixture
async def buses(redis_server: RedisServer) -> AsyncIterator[tuple[EventBus, EventBus]]:
    """A publishing and a subscribing bus: two processes' worth."""
    publisher, subscriber = EventBus(redis_server.url), EventBus(redis_server.url)
    await publisher.connect()
    await subscriber.connect()
    yield publisher, subscriber
    await publisher.disconnect()
    await subscriber.disconnect()


async def collect(live: AsyncIterator[dict[str, Any]], into: asyncio.Queue[int]) -> None:
    async for message in live:
        into.put_nowait(int(message["seq"]))


async def publish_until_delivered(
    publisher: EventBus, channel: str, received: asyncio.Queue[int]
) -> int:
    """What the relay does: a push that fails stays pending and is tried again."""
    while True:
        with contextlib.suppress(BusUnavailable):
            await publisher.publish(channel, {"seq": 1})
        try:
            return await asyncio.wait_for(received.get(), timeout=0.05)
        except TimeoutError:
            continue


async def test_a_redis_restart_is_reported_fails_fast_and_heals(
    buses: tuple[EventBus, EventBus], redis_server: RedisServer
) -> None:
    publisher, subscriber = buses
    received: asyncio.Queue[int] = asyncio.Queue()
    async with subscriber.subscribe("trex.session.restart") as live:
        reader = asyncio.create_task(collect(live, received))
        await publisher.publish("trex.session.restart", {"seq": 0})
        assert await asyncio.wait_for(received.get(), timeout=5) == 0

        redis_server.kill()
        await eventually(lambda: not (subscriber.healthy or publisher.healthy), "down", 3, 0.01)
        started = time.monotonic()
        with pytest.raises(BusUnavailable, match=r"publish to trex\.session\.restart"):
            await publisher.publish("trex.session.restart", {"seq": 1})
        with pytest.raises(BusUnavailable, match="unreachable"):
            async with subscriber.subscribe("trex.session.new"):
                pass
        assert time.monotonic() - started < 1.5  # both failed fast; neither hung
        await asyncio.sleep(DOWN_FOR_SECONDS - (time.monotonic() - started))

        restarted = time.monotonic()
        await asyncio.to_thread(redis_server.start)
        assert await asyncio.wait_for(
            publish_until_delivered(publisher, "trex.session.restart", received),
            timeout=RESUME_WITHIN_SECONDS,
        )
        resumed_after = time.monotonic() - restarted
        print(f"live delivery resumed {resumed_after:.3f}s after redis-server was restarted")
        assert subscriber.healthy
        assert publisher.healthy
        assert "trex.session.restart" in redis_server.cli("PUBSUB", "CHANNELS").split()
        for seq in range(2, 12):
            await publisher.publish("trex.session.restart", {"seq": seq})
        after = [await asyncio.wait_for(received.get(), timeout=5) for _ in range(10)]
        assert after == list(range(2, 12))
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
    assert resumed_after < RESUME_WITHIN_SECONDS


async def test_wait_healthy_reports_the_link_coming_back(
    buses: tuple[EventBus, EventBus], redis_server: RedisServer
) -> None:
    _, subscriber = buses
    redis_server.kill()
    await eventually(lambda: not subscriber.healthy, "down", 3, 0.01)
    assert not await subscriber.wait_healthy(0.3)
    await asyncio.to_thread(redis_server.start)
    assert await subscriber.wait_healthy(RESUME_WITHIN_SECONDS)


async def test_a_frozen_redis_fails_subscribe_and_publish_in_time_and_goes_unhealthy(
    redis_server: RedisServer,
) -> None:
    backend = RedisBackend(redis_server.url, timeout=0.5, ping_every=0.2, backoff=Backoff(cap=0.2))
    fanout = Fanout(backend)
    await fanout.connect()
    try:
        assert fanout.healthy
        redis_server.freeze()
        started = time.monotonic()
        with pytest.raises(BusUnavailable, match=r"subscribe trex\.lead\.frozen"):
            async with fanout.subscribe("trex.lead.frozen"):  # sent, but never confirmed
                pass
        with pytest.raises(BusUnavailable, match=r"no answer within 0\.5s"):
            await fanout.publish("trex.lead.frozen", "{}")
        assert time.monotonic() - started < 1.5  # two bounded waits, not a hang
        # silence past 3 pings: the link is dropped
        await eventually(lambda: not fanout.healthy, "down", 2, 0.01)
        redis_server.thaw()
        assert await fanout.wait_healthy(RESUME_WITHIN_SECONDS)
    finally:
        redis_server.thaw()
        await fanout.disconnect()
