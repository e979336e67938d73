"""Settings from the environment; the embedded defaults need none of them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE = "sqlite+aiosqlite:///./var/trex.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE
    host: str = "127.0.0.1"
    port: int = 8000
    graphiql: bool = True
    max_body_bytes: int = 64 * 1024
    credit_latency_ms: tuple[int, int] = (300, 900)
    credit_deadline_seconds: float = 10.0
    credit_bureau_down: bool = False
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        low, _, high = env.get("TREX_CREDIT_LATENCY_MS", "300-900").partition("-")
        return cls(
            database_url=env.get("DATABASE_URL", DEFAULT_DATABASE),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8000")),
            graphiql=env.get("TREX_GRAPHIQL", "1") != "0",
            max_body_bytes=int(env.get("TREX_MAX_BODY_BYTES", str(64 * 1024))),
            credit_latency_ms=(int(low), int(high or low)),
            credit_deadline_seconds=float(env.get("TREX_CREDIT_DEADLINE_S", "10")),
            credit_bureau_down=env.get("TREX_CREDIT_BUREAU_DOWN", "0") == "1",
            log_level=env.get("LOG_LEVEL", "INFO"),
        )
