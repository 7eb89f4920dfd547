"""The one validated settings object, read from PAYSYNC_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SIGNING_KEY = "paysync-development-signing-key-change-me-in-production"


class Settings(BaseSettings):
    """Everything paysync reads from its environment, checked once at start-up."""

    model_config = SettingsConfigDict(env_prefix="PAYSYNC_", extra="ignore")

    data_dir: Path = Field(default=Path("./var"), description="folder of the SQLite store")
    database_url: str | None = Field(
        default=None, description="a postgresql:// URL switches the event store to PostgreSQL"
    )
    # Checked at start-up by infrastructure/keys.py, not here: a validation error would print
    # the key it refused.
    signing_key: str = Field(
        default=DEVELOPMENT_SIGNING_KEY,
        description="HMAC key that signs and checks bearer tokens (32 characters or more)",
    )
    audit_keys: str | None = Field(
        default=None,
        description="the audit chain's keys, `id:key,id:key`: the first signs new links",
    )
    erp_timeout_seconds: float = Field(default=5.0, gt=0)
    # ERP credentials by name (a JSON object); connections name them in their `*_ref` fields.
    # "sandbox" is the ERP sandbox's credential: it takes any.
    erp_secrets: dict[str, str] = Field(default_factory=lambda: {"sandbox": "sandbox"})
    # The incumbent promises 10 minutes; transient ERP errors are retried within it.
    export_window_seconds: float = Field(default=600.0, gt=0)
    export_first_backoff_seconds: float = Field(default=0.5, gt=0)
    export_max_backoff_seconds: float = Field(default=60.0, gt=0)
    # A job's lease must outlast the ERP timeout by far, so two workers never call the ERP for
    # one record at once; a crashed worker's jobs fall due again when their leases lapse.
    export_lease_seconds: float = Field(default=60.0, gt=0)
    follower_poll_seconds: float = Field(default=0.5, gt=0)
    # Safe to expose (docs/adr/0030): which ERP hosts a company may name, and whether this is
    # the embedded development run, the only place plain http and the development key may be.
    erp_allowed_hosts: str = Field(
        default="", description="comma-separated host[:port] a company's ERP address may name"
    )
    cipher_key: str | None = Field(
        default=None,
        description="encrypt event payloads at rest: an AES key, base64 (16, 24 or 32 bytes)",
    )
    max_body_bytes: int = Field(
        default=1_048_576, gt=0, description="larger request bodies are refused with 413"
    )
    development: bool = Field(
        default=False, description="the embedded dev run: http to allowed hosts, the dev key"
    )
    # The connection budget on PostgreSQL: a process holds at most this many connections, one
    # of them its LISTEN connection when it follows the log, the rest its one shared pool.
    db_connections: int = Field(default=10, ge=2, le=1000)
    # /readyz: how far a read model may trail the log, and a due export job go unleased.
    ready_max_lag_events: int = Field(default=1000, ge=0)
    ready_max_export_delay_seconds: float = Field(default=30.0, ge=0)
    log_level: str = Field(default="INFO", pattern="^(?i)(debug|info|warning|error)$")
    log_format: str = Field(default="json", pattern="^(json|console)$")
    access_log: bool = Field(default=True, description="one log line per HTTP request")
    # Threads that run the API's blocking routes at once; the other requests wait their turn
    # in arrival order. More only raises the tail latency: the commands share one GIL and one
    # store writer (ADR 0052).
    http_threads: int = Field(default=8, ge=1, le=200)

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("PAYSYNC_DATABASE_URL must be a postgresql:// URL")
        return value or None

    @property
    def allowed_erp_hosts(self) -> frozenset[str]:
        hosts = (host.strip().lower() for host in self.erp_allowed_hosts.split(","))
        return frozenset(host for host in hosts if host)

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def db_hot_lock_connections(self) -> int:
        """The connection that holds the hot accounts' advisory locks, when the budget has room
        for one beside a working pool (the locks only spare retries: docs/adr/0051)."""
        return 1 if self.db_connections >= 4 else 0

    @property
    def db_pool_size(self) -> int:
        # One is kept for the process's LISTEN connection, one for the advisory locks.
        return self.db_connections - 1 - self.db_hot_lock_connections
