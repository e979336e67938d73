"""The in-memory transport (ours, not broadcaster's private one) and the decoding a bus shares
between its subscribers."""

from __future__ import annotations

import asyncio

from app.bus.event_bus import EventBus, LastDecoded
from app.bus.memory_backend import MemoryBackend


async def test_only_subscribed_channels_are_handed_over_in_order() -> None:
    backend = MemoryBackend()
    await backend.connect()
    await backend.subscribe("a")
    for channel, message in [("b", "not wanted"), ("a", "one"), ("a", "two")]:
        await backend.publish(channel, message)
    assert [(await backend.next_published()).message for _ in range(2)] == ["one", "two"]
    await backend.unsubscribe("a")
    await backend.unsubscribe("a")  # leaving twice is harmless
    await backend.publish("a", "after leaving")
    nothing = asyncio.ensure_future(backend.next_published())
    await asyncio.sleep(0.01)
    assert not nothing.done()
    nothing.cancel()


async def test_a_bus_decodes_a_message_once_for_all_its_subscribers() -> None:
    bus = EventBus("memory://")
    await bus.connect()
    try:
        async with bus.subscribe("c") as first, bus.subscribe("c") as second:
            await bus.publish("c", {"seq": 1})
            one, other = await anext(first), await anext(second)
            assert one == {"seq": 1}
            assert one is other
    finally:
        await bus.disconnect()


def test_each_decoder_remembers_only_its_last_message() -> None:
    one, other = LastDecoded(), LastDecoded()
    message = '{"seq": 2}'
    assert one(message) is one(message)
    assert other(message) is not one(message)
    assert one('{"seq": 3}') == {"seq": 3}
