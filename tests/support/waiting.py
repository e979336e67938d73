"""Bounded waits: poll a condition until it holds, or fail saying what did not happen.

Every wait in the tests and the benchmarks has a deadline, so a hung server fails a test with a
message instead of hanging the run; the condition may raise to fail at once (a process that
exited, say)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

Condition = Callable[[], bool] | Callable[[], Awaitable[bool]]


async def eventually(
    condition: Condition,
    what: str,
    seconds: float = 10.0,
    interval: float = 0.05,
    detail: Callable[[], str] | None = None,
) -> float:
    """Poll `condition` (sync or async) until it holds; the seconds it took. After `seconds`
    (a slow check is cut short too) an AssertionError says `what`, followed by `detail()`."""
    began = time.monotonic()
    window = asyncio.timeout(seconds)
    try:
        async with window:
            while not await _holds(condition):  # noqa: ASYNC110 - another process's state
                await asyncio.sleep(interval)
    except TimeoutError:
        if not window.expired():
            raise  # the condition's own timeout, not ours
        raise AssertionError(_failure(what, seconds, detail)) from None
    return time.monotonic() - began


def eventually_sync(
    condition: Callable[[], bool],
    what: str,
    seconds: float = 10.0,
    interval: float = 0.05,
    detail: Callable[[], str] | None = None,
) -> float:
    """`eventually` for code outside an event loop (fixtures that start a process)."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > seconds:
            raise AssertionError(_failure(what, seconds, detail))
        time.sleep(interval)
    return time.monotonic() - began


async def _holds(condition: Condition) -> bool:
    result = condition()
    if inspect.isawaitable(result):
        return bool(await result)
    return bool(result)


def _failure(what: str, seconds: float, detail: Callable[[], str] | None) -> str:
    message = f"not {what} after {seconds:g}s"
    return message if detail is None else f"{message}\n{detail()}"
