"""What the bus raises to its callers, in its own words rather than Redis's."""

from __future__ import annotations


class BusUnavailable(Exception):
    """The bus's broker (Redis) cannot be reached now: nothing was published or subscribed.

    Raised quickly, never after an unbounded wait, so a caller such as the outbox relay keeps
    the event pending and tries again later."""


class SubscriberTooSlow(Exception):
    """A subscriber fell so far behind that its queue filled up, so the bus dropped it.

    Its iterator yields the messages it had already received, then raises this. The subscriber
    missed messages after that point; a client can reconnect and replay from its last seq."""

    def __init__(self, channel: str, limit: int) -> None:
        super().__init__(f"subscriber to {channel!r} fell {limit} messages behind and was dropped")
        self.channel = channel
        self.limit = limit
