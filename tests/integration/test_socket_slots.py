"""The websocket caps' slots in Redis: counted across servers, renewed while held, and lapsing
when the server that held them died without giving them back."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from app.bus.socket_slots import MemorySlots, RedisSlots
from tests import stack

needs_redis = pytest.mark.skipif(not stack.SCALEOUT, reason="the scale-out stack's Redis")


def a_key() -> str:
    return f"conn:2001:db8::{secrets.token_hex(4)}"


@needs_redis
async def test_two_servers_count_against_one_cap() -> None:
    first, second, key = RedisSlots(stack.REDIS), RedisSlots(stack.REDIS), a_key()
    try:
        held = [await first.take(key, 2), await second.take(key, 2)]
        assert None not in held
        assert await first.take(key, 2) is None
        assert await second.take(key, 2) is None
        await second.give_back(key, str(held[1]))
        assert await first.take(key, 2) is not None
    finally:
        await first.aclose()
        await second.aclose()


@needs_redis
async def test_a_killed_servers_slots_lapse() -> None:
    key = a_key()
    dead = RedisSlots(stack.REDIS, ttl_seconds=0.5)
    assert await dead.take(key, 1) is not None
    await dead._redis.aclose()  # killed: nothing given back, nothing renewed
    alive = RedisSlots(stack.REDIS, ttl_seconds=0.5)
    try:
        assert await alive.take(key, 1) is None
        await asyncio.sleep(0.7)
        assert await alive.take(key, 1) is not None
    finally:
        await alive.aclose()


@needs_redis
async def test_held_slots_are_renewed() -> None:
    key = a_key()
    holder, other = RedisSlots(stack.REDIS, ttl_seconds=0.6), RedisSlots(stack.REDIS)
    holder.start()  # renews every 0.2 s
    try:
        assert await holder.take(key, 1) is not None
        await asyncio.sleep(1.2)  # twice the ttl
        assert await other.take(key, 1) is None
    finally:
        await holder.aclose()
        await other.aclose()
    fresh = RedisSlots(stack.REDIS)
    try:
        assert await fresh.take(key, 1) is not None  # closing gave it back
    finally:
        await fresh.aclose()


async def test_without_redis_the_cap_counts_in_the_process() -> None:
    unreachable = RedisSlots("redis://127.0.0.1:1/0")
    key = a_key()
    try:
        slot = await unreachable.take(key, 1)
        assert slot is not None
        assert await unreachable.take(key, 1) is None
        await unreachable.give_back(key, slot)
        assert await unreachable.take(key, 1) is not None
    finally:
        await unreachable.aclose()


async def test_memory_slots_count_per_key() -> None:
    slots = MemorySlots()
    taken = await slots.take("a", 1)
    assert taken is not None
    assert await slots.take("a", 1) is None
    assert await slots.take("b", 1) is not None
    await slots.give_back("a", taken)
    assert slots.count("a") == 0
