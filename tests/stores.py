"""The event stores every behaviour test runs on: a SQLite file, and a PostgreSQL schema.

Each test gets a store of its own: a fresh file, or a fresh schema dropped afterwards, so
tests never see each other's events and can run in any order.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from infrastructure.settings import Settings

POSTGRES_URL = os.environ.get(
    "PAYSYNC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgres")


@contextmanager
def fresh_settings(backend: str, tmp_path: Path, **overrides: object) -> Iterator[Settings]:
    """Settings pointing at an empty store of the given backend.

    Tests run as the development run does: the ERP sandbox on 127.0.0.1 over plain http.
    """
    overrides = {"development": True, "erp_allowed_hosts": "127.0.0.1", **overrides}
    if backend == "sqlite":
        yield Settings(data_dir=tmp_path / "var", **overrides)  # type: ignore[arg-type]
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield Settings(
            data_dir=tmp_path / "var",
            database_url=f"{POSTGRES_URL}?schema={schema}",
            **overrides,  # type: ignore[arg-type]
        )
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def process_env(settings: Settings) -> dict[str, str]:
    """The keys and trust settings of `settings`, for a paysync process on the same store."""
    env = {
        "PAYSYNC_SIGNING_KEY": settings.signing_key,
        "PAYSYNC_DEVELOPMENT": "true" if settings.development else "false",
        "PAYSYNC_ERP_ALLOWED_HOSTS": settings.erp_allowed_hosts,
    }
    if settings.audit_keys:
        env["PAYSYNC_AUDIT_KEYS"] = settings.audit_keys
    return env
