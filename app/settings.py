"""Settings from the environment; the embedded defaults need none of them.

`TREX_ENV=production` is the one switch for the open internet: `production_faults()` names every
setting that is missing or unsafe for it, and the server refuses to start while there is one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from sandbox.services import SERVICES

DEFAULT_DATABASE = "sqlite+aiosqlite:///./var/trex.db"
DEVELOPMENT, PRODUCTION = "development", "production"
MIN_METRICS_TOKEN = 32  # characters: `openssl rand -hex 16` or longer


class UnsafeSettings(Exception):
    """The configuration cannot serve production; the message names every fault."""

    def __init__(self, faults: list[str]) -> None:
        super().__init__("Refusing to start in production:\n" + "\n".join(f"- {f}" for f in faults))
        self.faults = faults


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Rates in the `limits` library's notation ("30/minute", "5/second;100/hour")."""

    sessions_per_address: str = "30/minute"
    transitions_per_address: str = "600/minute"
    subscriptions_per_address: str = "120/minute"
    token_failures_per_address: str = "30/minute"
    transitions_per_session: str = "60/minute"
    sessions_per_site: str = "3000/minute"
    resume_links_per_session: str = "3/10 minutes;10/day"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RateLimits:
        defaults = cls()
        return cls(
            **{
                name: env.get(f"TREX_RATE_{name.upper()}", getattr(defaults, name))
                for name in cls.__dataclass_fields__
            }
        )


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Sending host sites' webhooks (app/pipeline/webhooks.py): attempts before a delivery is
    failed, the first retry's delay and the cap (doubling between), each attempt's timeout,
    and how long a rotated secret still signs."""

    attempts: int = 12
    first_retry_seconds: float = 5.0
    max_retry_seconds: float = 3600.0
    timeout_seconds: float = 10.0
    rotation_grace_hours: float = 24.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebhookSettings:
        return cls(
            attempts=int(env.get("TREX_WEBHOOK_ATTEMPTS", "12")),
            first_retry_seconds=float(env.get("TREX_WEBHOOK_FIRST_RETRY_S", "5")),
            max_retry_seconds=float(env.get("TREX_WEBHOOK_MAX_RETRY_S", "3600")),
            timeout_seconds=float(env.get("TREX_WEBHOOK_TIMEOUT_S", "10")),
            rotation_grace_hours=float(env.get("TREX_WEBHOOK_ROTATION_GRACE_H", "24")),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    env: str = DEVELOPMENT
    database_url: str = DEFAULT_DATABASE
    host: str = "127.0.0.1"
    port: int = 8000
    graphiql: bool = True
    max_body_bytes: int = 64 * 1024
    credit_deadline_seconds: float = 10.0
    # External services: the in-process sandbox unless a URL is given; its latency scaled.
    sandbox_url: str | None = None
    # Each service's own root URL (TREX_VEHICLE_DATA_URL, …); else the sandbox at sandbox_url.
    service_urls: Mapping[str, str] = field(default_factory=dict)
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
    # `json` or `text` (TREX_LOG_FORMAT); unset: JSON in production, text in development.
    log_format: str | None = None
    # Metrics: /metrics on the main port for this Bearer token (development: loopback too),
    # and/or on a port of their own (TREX_METRICS_PORT, bound to TREX_METRICS_HOST).
    metrics_token: str | None = None
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    # Abuse limits (shared through Redis when redis_url is set).
    rate_limits: RateLimits = field(default_factory=RateLimits)
    max_selections: int = 250  # fields, fragments and directives of one document
    ws_max_message_bytes: int = 64 * 1024
    ws_init_timeout_seconds: float = 10.0
    ws_connections_per_address: int = 50
    subscriptions_per_session: int = 5
    # Proxies whose X-Forwarded-For names the client (uvicorn's forwarded_allow_ips).
    trusted_proxies: str = "127.0.0.1"
    # Inventory: a hold lapses after this; few holds and leads per visitor, address, contact.
    hold_hours: float = 48.0
    holds_per_client: int = 3
    leads_per_client_per_day: int = 5
    # Personal data: sessions that never became a lead, and submitted leads' personal data.
    session_retention_days: float = 30.0
    lead_retention_days: float = 365.0
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)

    @property
    def production(self) -> bool:
        return self.env == PRODUCTION

    def service_url(self, service: str) -> str | None:
        """Where `service` is reached; None: the sandbox in this process (development only)."""
        if self.service_urls.get(service):
            return self.service_urls[service]
        return f"{self.sandbox_url.rstrip('/')}/sandbox/{service}" if self.sandbox_url else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        production = env.get("TREX_ENV", DEVELOPMENT) == PRODUCTION
        return cls(
            env=env.get("TREX_ENV", DEVELOPMENT),
            database_url=_async_driver(env.get("DATABASE_URL", DEFAULT_DATABASE)),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8000")),
            graphiql=env.get("TREX_GRAPHIQL", "0" if production else "1") != "0",
            max_body_bytes=int(env.get("TREX_MAX_BODY_BYTES", str(64 * 1024))),
            credit_deadline_seconds=float(env.get("TREX_CREDIT_DEADLINE_S", "10")),
            sandbox_url=env.get("TREX_SANDBOX_URL") or None,
            service_urls={
                name: env[_url_variable(name)] for name in SERVICES if env.get(_url_variable(name))
            },
            sandbox_latency_scale=float(env.get("TREX_SANDBOX_LATENCY_SCALE", "1")),
            service_timeout_seconds=float(env.get("TREX_SERVICE_TIMEOUT_S", "2")),
            breaker_reset_seconds=float(env.get("TREX_BREAKER_RESET_S", "30")),
            relay_poll_seconds=float(env.get("TREX_RELAY_POLL_S", "1")),
            relay_lease_seconds=float(env.get("TREX_RELAY_LEASE_S", "60")),
            outbox_retention_hours=float(env.get("TREX_OUTBOX_RETENTION_H", "24")),
            redis_url=env.get("REDIS_URL") or None,
            inprocess_workers=env.get("TREX_INPROCESS_WORKERS", "1") != "0",
            log_level=env.get("LOG_LEVEL", "INFO"),
            log_format=env.get("TREX_LOG_FORMAT") or None,
            metrics_token=env.get("TREX_METRICS_TOKEN") or None,
            metrics_port=int(env["TREX_METRICS_PORT"]) if env.get("TREX_METRICS_PORT") else None,
            metrics_host=env.get("TREX_METRICS_HOST", "127.0.0.1"),
            rate_limits=RateLimits.from_env(env),
            max_selections=int(env.get("TREX_MAX_SELECTIONS", "250")),
            ws_max_message_bytes=int(env.get("TREX_WS_MAX_MESSAGE_BYTES", str(64 * 1024))),
            ws_init_timeout_seconds=float(env.get("TREX_WS_INIT_TIMEOUT_S", "10")),
            ws_connections_per_address=int(env.get("TREX_WS_CONNECTIONS_PER_ADDRESS", "50")),
            subscriptions_per_session=int(env.get("TREX_SUBSCRIPTIONS_PER_SESSION", "5")),
            trusted_proxies=env.get("TREX_TRUSTED_PROXIES", "127.0.0.1"),
            hold_hours=float(env.get("TREX_HOLD_H", "48")),
            holds_per_client=int(env.get("TREX_HOLDS_PER_CLIENT", "3")),
            leads_per_client_per_day=int(env.get("TREX_LEADS_PER_CLIENT_PER_DAY", "5")),
            session_retention_days=float(env.get("TREX_SESSION_RETENTION_D", "30")),
            lead_retention_days=float(env.get("TREX_LEAD_RETENTION_D", "365")),
            webhooks=WebhookSettings.from_env(env),
        )

    def production_faults(self) -> list[str]:
        """What stops this configuration from serving production, one sentence each."""
        if not self.production:
            return (
                []
                if self.env == DEVELOPMENT
                else [f"TREX_ENV={self.env}: not {PRODUCTION} or {DEVELOPMENT}."]
            )
        faults = [
            f"{_url_variable(name)} (or TREX_SANDBOX_URL) is not set: production never runs "
            "the sandbox in the server's process."
            for name in SERVICES
            if not self.service_url(name)
        ]
        faults += [
            f"{_url_variable(name)}={url} is not an http(s) URL."
            for name in SERVICES
            if (url := self.service_url(name)) and not url.startswith(("http://", "https://"))
        ]
        if self.graphiql:
            faults.append("TREX_GRAPHIQL=1: GraphiQL is never served in production.")
        if self.max_body_bytes > 1024 * 1024:
            faults.append("TREX_MAX_BODY_BYTES over 1 MiB is unsafe in production.")
        if self.ws_max_message_bytes > 1024 * 1024:
            faults.append("TREX_WS_MAX_MESSAGE_BYTES over 1 MiB is unsafe in production.")
        if self.trusted_proxies.strip() == "*":
            faults.append(
                "TREX_TRUSTED_PROXIES=*: any client could choose its address (and so its limits)."
            )
        return faults + self._metrics_faults()

    def _metrics_faults(self) -> list[str]:
        faults = []
        if self.metrics_token is not None and len(self.metrics_token) < MIN_METRICS_TOKEN:
            faults.append(f"TREX_METRICS_TOKEN shorter than {MIN_METRICS_TOKEN} characters.")
        if self.metrics_port == self.port:
            faults.append("TREX_METRICS_PORT=PORT: the metrics port would be the public one.")
        return faults


def _url_variable(service: str) -> str:
    return f"TREX_{service.upper().replace('-', '_')}_URL"


def _async_driver(url: str) -> str:
    """`postgresql://` and `postgres://` URLs get the asyncpg driver the app runs on."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+asyncpg://" + url[len(plain) :]
    return url
