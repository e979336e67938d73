"""A transition's idempotency key, and what was asked under it: the same key twice answers the
first answer; the same key for another request is refused (API.md)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from workflows.commands import Transition


@dataclass(frozen=True, slots=True)
class Idempotency:
    """A transition's idempotency key, and a digest of what was asked under it (the step and
    the answers, keyed by the session: not reversible to the answers without them)."""

    key: str
    request: str

    @classmethod
    def of(cls, command: Transition) -> Idempotency | None:
        if command.idempotency_key is None:
            return None
        asked = json.dumps([command.current_step, command.data], sort_keys=True, default=str)
        digest = hashlib.blake2b(
            asked.encode(), key=command.session_id.encode()[:64], digest_size=16
        )
        return cls(command.idempotency_key, digest.hexdigest())
