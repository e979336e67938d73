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
    credit_deadline_seconds: float = 10.0
    # External services: the in-process sandbox unless a URL is given; its latency scaled.
    sandbox_url: str | None = None
    sandbox_latency_scale: float = 1.0
    service_timeout_seconds: float = 2.0
    breaker_reset_seconds: float = 30.0
    relay_poll_seconds: float = 1.0
    # How long a claimed outbox item stays with its worker before another may take it over.
    relay_lease_seconds: float = 60.0
    # Finished outbox items are kept this long (for inspection), then pruned.
    outbox_retention_hours: float = 24.0
    # Scale-out: Redis for live fan-out (unset: in-process); handlers in this process or not.
    redis_url: str | None = None
    inprocess_workers: bool = True
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=_async_driver(env.get("DATABASE_URL", DEFAULT_DATABASE)),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8000")),
            graphiql=env.get("TREX_GRAPHIQL", "1") != "0",
            max_body_bytes=int(env.get("TREX_MAX_BODY_BYTES", str(64 * 1024))),
            credit_deadline_seconds=float(env.get("TREX_CREDIT_DEADLINE_S", "10")),
            sandbox_url=env.get("TREX_SANDBOX_URL") or None,
            sandbox_latency_scale=float(env.get("TREX_SANDBOX_LATENCY_SCALE", "1")),
            service_timeout_seconds=float(env.get("TREX_SERVICE_TIMEOUT_S", "2")),
            breaker_reset_seconds=float(env.get("TREX_BREAKER_RESET_S", "30")),
            relay_poll_seconds=float(env.get("TREX_RELAY_POLL_S", "1")),
            relay_lease_seconds=float(env.get("TREX_RELAY_LEASE_S", "60")),
            outbox_retention_hours=float(env.get("TREX_OUTBOX_RETENTION_H", "24")),
            redis_url=env.get("REDIS_URL") or None,
            inprocess_workers=env.get("TREX_INPROCESS_WORKERS", "1") != "0",
            log_level=env.get("LOG_LEVEL", "INFO"),
        )


def _async_driver(url: str) -> str:
    """`postgresql://` and `postgres://` URLs get the asyncpg driver the app runs on."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+asyncpg://" + url[len(plain) :]
    return url
