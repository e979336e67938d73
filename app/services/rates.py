"""The rates the workflow service enforces, so that GraphQL and REST share them.

Per client address: sessions started, transitions (transition and back), failed token checks;
per session: transitions, resume links sent; per host site: sessions started. A failed token
check is any call that needs a session's token and does not open the session with it (a wrong
or missing token,
an unknown session: alike, as the API requires); once an address has used its budget of
failures, its calls that need a token are refused until the window lets it try again, right
token or not, so guessing tokens costs the whole window.

Whether an address has failures left is asked of the limiter once a second at most (a round
trip to Redis per token call was a third of the limits' cost); any failure of the address here
asks again. So a server lets an address that used its budget elsewhere try once more before
it knows, never more: that try's failure is refused and blocks the address here too.

A caller without an address (in-process calls, tests of the service) is counted per session
and per site only.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict

from app.bus.rate_limiter import RateLimiter
from workflows.outcomes import Caller, RateLimited

FAILURES = "token_failures_per_address"
CLEAN_FOR_SECONDS = 1.0
# A refusal is answered this much later. It costs the server nothing (no CPU while waiting),
# but it holds the client's connection: without it, one client refused on four connections sent
# 1,300 requests a second and a visitor's transition waited behind them (p99 0.8 s).
REFUSAL_DELAY_SECONDS = 0.25
KNOWN = 10_000


class ServiceRates:
    def __init__(self, limiter: RateLimiter | None = None) -> None:
        self._limiter = limiter
        # address -> (until when, refused?): what this server knows of its failures.
        self._known: OrderedDict[str, tuple[float, bool]] = OrderedDict()

    async def starting(self, caller: Caller) -> None:
        await self._by_address("sessions_per_address", caller)

    async def started_for(self, site_id: str) -> None:
        await self._hit("sessions_per_site", site_id)

    async def opening(self, caller: Caller) -> None:
        """A call that needs a token: refused while the address has no failures left."""
        address = caller.address
        if self._limiter is None or address is None:
            return
        now = time.monotonic()
        known = self._known.get(address)
        if known is not None and now < known[0]:
            if known[1]:
                await _refuse(known[0] - now, FAILURES)
            return
        wait = await self._limiter.exhausted(FAILURES, address)
        self._know(address, now + (CLEAN_FOR_SECONDS if wait is None else wait), wait is not None)
        if wait is not None:
            await _refuse(wait, FAILURES)

    async def moving(self, caller: Caller) -> None:
        """A transition or back, before its session is opened."""
        await self.opening(caller)
        await self._by_address("transitions_per_address", caller)

    async def moved(self, session_id: str) -> None:
        """A transition or back of a session opened with its token (counted only then, so
        that no one without the token can use up a visitor's budget)."""
        await self._hit("transitions_per_session", session_id)

    async def sending_link(self, session_id: str) -> None:
        """A resume link sent for a session opened with its token (messages cost, and reach
        someone: a few per session)."""
        await self._hit("resume_links_per_session", session_id)

    async def failed(self, caller: Caller) -> None:
        if caller.address is None:
            return
        self._known.pop(caller.address, None)  # ask again next time
        try:
            await self._hit(FAILURES, caller.address)
        except RateLimited as refused:
            self._know(caller.address, time.monotonic() + refused.retry_after, True)
            raise

    def _know(self, address: str, until: float, refused: bool) -> None:
        self._known[address] = (until, refused)
        self._known.move_to_end(address)
        if len(self._known) > KNOWN:
            self._known.popitem(last=False)

    async def _by_address(self, rule: str, caller: Caller) -> None:
        if caller.address is not None:
            await self._hit(rule, caller.address)

    async def _hit(self, rule: str, key: str) -> None:
        if self._limiter is None:
            return
        wait = await self._limiter.hit(rule, key)
        if wait is not None:
            await _refuse(wait, rule)


async def _refuse(wait: float, rule: str) -> None:
    await asyncio.sleep(REFUSAL_DELAY_SECONDS)
    raise RateLimited(wait, rule)
