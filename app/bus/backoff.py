"""How long to wait before reconnecting to the broker: doubling from a short first delay, capped.

The cap bounds how late a process notices that Redis is back (the issue asks for live pushes
within 5 seconds of a restart); doubling keeps a long outage from becoming a connect storm.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    first: float = 0.05
    cap: float = 1.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before reconnect attempt `attempt` (0 for the first after a loss)."""
        if attempt < 0:
            raise ValueError(f"attempt must be 0 or more, not {attempt}")
        return min(self.cap, self.first * 2.0 ** min(attempt, 32))
