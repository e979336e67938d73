"""The fan-out's bookkeeping against a fake backend whose every call yields to the event loop, so
that the races broadcaster's `Broadcast` loses are actually run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from broadcaster import Event

from app.bus.errors import BusUnavailable, SubscriberTooSlow
from app.bus.fanout import Fanout, Subscription


class FakeBackend:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.subscribed: set[str] = set()
        self.refuse = False
        self.fail_next_delivery = False
        self._published: asyncio.Queue[Event] = asyncio.Queue()

    async def connect(self) -> None:
        pass

    async def disconnect(self) -> None:
        pass

    async def subscribe(self, channel: str) -> None:
        self.calls.append(("subscribe", channel))
        await asyncio.sleep(0.01)  # a round trip to the broker
        if self.refuse:
            raise BusUnavailable("the broker is down")
        self.subscribed.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self.calls.append(("unsubscribe", channel))
        await asyncio.sleep(0.01)
        self.subscribed.remove(channel)

    async def publish(self, channel: str, message: Any) -> None:
        if channel in self.subscribed:
            self._published.put_nowait(Event(channel, message))

    async def next_published(self) -> Event:
        if self.fail_next_delivery:
            self.fail_next_delivery = False
            raise RuntimeError("the broker sent garbage")
        return await self._published.get()


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
async def fanout(backend: FakeBackend) -> AsyncIterator[Fanout]:
    fanout = Fanout(backend, queue_limit=5)
    await fanout.connect()
    yield fanout
    await fanout.disconnect()


async def next_of(subscription: Subscription) -> str:
    return await asyncio.wait_for(anext(subscription), timeout=2)


async def test_concurrent_first_subscribers_share_one_backend_subscription(
    fanout: Fanout, backend: FakeBackend
) -> None:
    async with AsyncExitStack() as stack:
        entering = [stack.enter_async_context(fanout.subscribe("c")) for _ in range(3)]
        subscriptions = await asyncio.gather(*entering)
        assert backend.calls == [("subscribe", "c")]
        await fanout.publish("c", "hello")
        assert [await next_of(each) for each in subscriptions] == ["hello"] * 3
    assert backend.calls == [("subscribe", "c"), ("unsubscribe", "c")]


async def test_only_the_last_subscriber_leaving_unsubscribes(
    fanout: Fanout, backend: FakeBackend
) -> None:
    async with fanout.subscribe("c"):
        async with fanout.subscribe("c"):
            pass
        assert backend.subscribed == {"c"}
        assert fanout.subscriber_count("c") == 1
    assert backend.subscribed == set()
    assert fanout.subscriber_count("c") == 0


async def test_a_subscriber_arriving_while_the_last_one_leaves_is_subscribed_again(
    fanout: Fanout, backend: FakeBackend
) -> None:
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(fanout.subscribe("c"))
        leaving = asyncio.create_task(stack.aclose())
        await asyncio.sleep(0)  # the UNSUBSCRIBE is under way
        async with fanout.subscribe("c") as late:
            await leaving
            assert backend.calls == [("subscribe", "c"), ("unsubscribe", "c"), ("subscribe", "c")]
            assert backend.subscribed == {"c"}
            await fanout.publish("c", "still here")
            assert await next_of(late) == "still here"


async def test_a_refused_subscription_raises_and_leaves_nothing_behind(
    fanout: Fanout, backend: FakeBackend
) -> None:
    backend.refuse = True
    with pytest.raises(BusUnavailable):
        async with fanout.subscribe("c"):
            pass
    assert fanout.subscriber_count("c") == 0
    backend.refuse = False
    async with fanout.subscribe("c") as subscription:  # tried afresh, not remembered as joined
        await fanout.publish("c", "ok")
        assert await next_of(subscription) == "ok"


async def test_a_full_queue_drops_only_that_subscriber_after_what_it_holds(
    fanout: Fanout,
) -> None:
    async with fanout.subscribe("c") as slow, fanout.subscribe("c") as fast:
        for number in range(8):
            await fanout.publish("c", str(number))
            assert await next_of(fast) == str(number)
        assert fanout.subscriber_count("c") == 1
        assert [await next_of(slow) for _ in range(5)] == ["0", "1", "2", "3", "4"]
        with pytest.raises(SubscriberTooSlow) as dropped:
            await next_of(slow)
        assert (dropped.value.channel, dropped.value.limit) == ("c", 5)


async def test_disconnect_ends_each_subscription_after_what_it_holds(
    backend: FakeBackend,
) -> None:
    fanout = Fanout(backend)
    await fanout.connect()
    async with fanout.subscribe("c") as subscription:
        await fanout.publish("c", "last")
        await asyncio.sleep(0.01)
        await fanout.disconnect()
        assert [message async for message in subscription] == ["last"]
        assert not fanout.healthy


async def test_the_listener_survives_a_failing_backend(
    backend: FakeBackend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.fail_next_delivery = True
    fanout = Fanout(backend)
    await fanout.connect()
    try:
        async with fanout.subscribe("c") as subscription:
            await fanout.publish("c", "after the failure")
            assert await next_of(subscription) == "after the failure"
        assert fanout.healthy
        assert "listening again" in caplog.text
    finally:
        await fanout.disconnect()


def test_a_queue_limit_below_one_is_refused(backend: FakeBackend) -> None:
    with pytest.raises(ValueError, match="queue_limit"):
        Fanout(backend, queue_limit=0)
