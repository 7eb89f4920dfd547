"""The one validated settings object, read from PAYSYNC_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything paysync reads from its environment, checked once at start-up."""

    model_config = SettingsConfigDict(env_prefix="PAYSYNC_", extra="ignore")

    data_dir: Path = Field(default=Path("./var"), description="folder of the SQLite store")
    database_url: str | None = Field(
        default=None, description="a postgresql:// URL switches the event store to PostgreSQL"
    )
    signing_key: str = Field(
        default="paysync-development-signing-key-change-me-in-production",
        min_length=32,
        description="HMAC key that signs and checks bearer tokens",
    )
    erp_timeout_seconds: float = Field(default=5.0, gt=0)
    # The incumbent promises 10 minutes; transient ERP errors are retried within it.
    export_window_seconds: float = Field(default=600.0, gt=0)
    export_first_backoff_seconds: float = Field(default=0.5, gt=0)
    export_max_backoff_seconds: float = Field(default=60.0, gt=0)
    # A job's lease must outlast the ERP timeout by far, so two workers never call the ERP for
    # one record at once; a crashed worker's jobs fall due again when their leases lapse.
    export_lease_seconds: float = Field(default=60.0, gt=0)
    follower_poll_seconds: float = Field(default=0.5, gt=0)
    # The connection budget on PostgreSQL: a process holds at most this many connections, one
    # of them its LISTEN connection when it follows the log, the rest its one shared pool.
    db_connections: int = Field(default=10, ge=2, le=1000)
    # /readyz: how far a read model may trail the log, and a due export job go unleased.
    ready_max_lag_events: int = Field(default=1000, ge=0)
    ready_max_export_delay_seconds: float = Field(default=30.0, ge=0)
    log_level: str = Field(default="INFO", pattern="^(?i)(debug|info|warning|error)$")
    log_format: str = Field(default="json", pattern="^(json|console)$")
    access_log: bool = Field(default=True, description="one log line per HTTP request")

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("PAYSYNC_DATABASE_URL must be a postgresql:// URL")
        return value or None

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def db_pool_size(self) -> int:
        return self.db_connections - 1  # one is kept for the process's LISTEN connection
