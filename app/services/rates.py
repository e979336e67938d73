"""The rates the workflow service enforces, so that GraphQL and REST share them.

Per client address: sessions started, transitions (transition and back), failed token checks;
per session: transitions; per host site: sessions started. A failed token check is any call
that needs a session's token and does not open the session with it (a wrong or missing token,
an unknown session: alike, as the API requires); once an address has used its budget of
failures, its calls that need a token are refused until the window lets it try again, right
token or not, so guessing tokens costs the whole window.

A caller without an address (in-process calls, tests of the service) is counted per session
and per site only.
"""

from __future__ import annotations

from app.ratelimits import RateLimiter
from workflows.views import Caller, RateLimited


class ServiceRates:
    def __init__(self, limiter: RateLimiter | None = None) -> None:
        self._limiter = limiter

    async def starting(self, caller: Caller) -> None:
        await self._by_address("sessions_per_address", caller)

    async def started_for(self, site_id: str) -> None:
        await self._hit("sessions_per_site", site_id)

    async def opening(self, caller: Caller) -> None:
        """A call that needs a token: refused while the address has no failures left."""
        if self._limiter is None or caller.address is None:
            return
        wait = await self._limiter.exhausted("token_failures_per_address", caller.address)
        if wait is not None:
            raise RateLimited(wait, "token_failures_per_address")

    async def moving(self, caller: Caller) -> None:
        """A transition or back, before its session is opened."""
        await self.opening(caller)
        await self._by_address("transitions_per_address", caller)

    async def moved(self, session_id: str) -> None:
        """A transition or back of a session opened with its token (counted only then, so
        that no one without the token can use up a visitor's budget)."""
        await self._hit("transitions_per_session", session_id)

    async def failed(self, caller: Caller) -> None:
        await self._by_address("token_failures_per_address", caller)

    async def _by_address(self, rule: str, caller: Caller) -> None:
        if caller.address is not None:
            await self._hit(rule, caller.address)

    async def _hit(self, rule: str, key: str) -> None:
        if self._limiter is None:
            return
        wait = await self._limiter.hit(rule, key)
        if wait is not None:
            raise RateLimited(wait, rule)
