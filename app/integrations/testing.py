"""Test doubles that ship with the clients (as httpx ships `MockTransport`)."""

from __future__ import annotations


class ManualClock:
    """A monotonic clock for breakers that moves only when told to: tests skip time instead of
    sleeping through a breaker's `reset_seconds`."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock does not go back")
        self.now += seconds
