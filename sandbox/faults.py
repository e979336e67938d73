"""Faults a person or a test can switch on per sandbox service, and the latency scale.

| field        | values               | effect on the service's API calls                       |
|--------------|----------------------|---------------------------------------------------------|
| `error_rate` | a number from 0 to 1 | that share of calls answers 503 (seeded RNG: the same   |
|              |                      | seed and call order give the same failures)             |
| `latency_ms` | 0 to 600000          | added before every call, on top of the usual latency    |
| `down`       | true or false        | every call answers 503 (after `latency_ms`, if any)     |

`TREX_SANDBOX_FAULTS` sets faults at start-up, as JSON keyed by service:
`TREX_SANDBOX_FAULTS='{"credit-bureau": {"down": true}}'`. `TREX_SANDBOX_LATENCY_SCALE` (default
1.0) multiplies every service's usual latency (not `latency_ms`): tests use about 0.01.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from sandbox.services import SERVICES

FAULTS_ENV = "TREX_SANDBOX_FAULTS"
LATENCY_SCALE_ENV = "TREX_SANDBOX_LATENCY_SCALE"
MAX_LATENCY_MS = 600_000


class FaultError(ValueError):
    """A fault setting that cannot be used; `field` names it (`credit-bureau.error_rate`)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fault:
    error_rate: float = 0.0
    latency_ms: float = 0
    down: bool = False

    def updated(self, changes: object, prefix: str = "") -> Fault:
        """This fault with `changes` (a JSON object of some of its fields) applied."""
        if not isinstance(changes, dict):
            raise FaultError(prefix.rstrip(".") or "body", "must be a JSON object")
        fault = self
        for name, value in changes.items():
            where = prefix + str(name)
            if name == "error_rate":
                fault = replace(fault, error_rate=_number(where, value, 0, 1))
            elif name == "latency_ms":
                fault = replace(fault, latency_ms=_number(where, value, 0, MAX_LATENCY_MS))
            elif name == "down":
                if not isinstance(value, bool):
                    raise FaultError(where, f"must be true or false, got {value!r}")
                fault = replace(fault, down=value)
            else:
                known = "error_rate, latency_ms, down"
                raise FaultError(where, f"is not a fault setting (known: {known})")
        return fault

    def as_json(self) -> dict[str, object]:
        return {"error_rate": self.error_rate, "latency_ms": self.latency_ms, "down": self.down}


@dataclass(frozen=True, slots=True)
class Faults:
    """Start-up faults by service name; a service not named has none."""

    by_service: Mapping[str, Fault] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, service: str) -> Fault:
        return self.by_service.get(service, Fault())

    @classmethod
    def parse(cls, data: object) -> Faults:
        if not isinstance(data, dict):
            raise FaultError(FAULTS_ENV, "must be a JSON object keyed by service name")
        faults: dict[str, Fault] = {}
        for service, changes in data.items():
            if service not in SERVICES:
                raise FaultError(
                    service, f"is not a sandbox service (known: {', '.join(SERVICES)})"
                )
            faults[service] = Fault().updated(changes, prefix=f"{service}.")
        return cls(MappingProxyType(faults))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Faults:
        """The faults in `TREX_SANDBOX_FAULTS`; none when it is unset or blank."""
        text = (os.environ if env is None else env).get(FAULTS_ENV, "").strip()
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError as error:
            raise FaultError(FAULTS_ENV, f"is not valid JSON ({error})") from None
        return cls.parse(data)


def latency_scale_from_env(env: Mapping[str, str] | None = None) -> float:
    text = (os.environ if env is None else env).get(LATENCY_SCALE_ENV, "").strip()
    if not text:
        return 1.0
    try:
        scale = float(text)
    except ValueError:
        scale = -1.0
    if not 0 <= scale < float("inf"):
        raise FaultError(LATENCY_SCALE_ENV, f"must be a number >= 0, got {text!r}")
    return scale


def _number(where: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise FaultError(where, f"must be a number from {low:g} to {high:g}, got {value!r}")
    return float(value)
