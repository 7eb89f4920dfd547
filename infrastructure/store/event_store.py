"""Which of the library's persistence modules holds the events, and where.

SQLite by default (one file in the data folder, nothing to set up); PostgreSQL when
PAYSYNC_DATABASE_URL is set. Either way the library's own recorders do the work; paysync only
translates its settings into the library's environment variables.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from infrastructure.settings import Settings

SQLITE_FILE_NAME = "paysync.sqlite3"
POOL_WAIT_SECONDS = 1

# The library's aggregate cache, fast-forwarded from the store on every read, spares a hot
# funding account the replay of its whole history on each authorization.
CACHE = {"AGGREGATE_CACHE_MAXSIZE": "1000", "AGGREGATE_CACHE_FASTFORWARD": "y"}


def event_store_env(settings: Settings) -> dict[str, str]:
    return {**_store_env(settings), **cipher_env(settings)}


def cipher_env(settings: Settings) -> dict[str, str]:
    """The library's own AESCipher over every stored payload, when a key is configured.

    Payloads are encrypted before they are written and decrypted as they are read, so Bank
    IDs and vendor names are never in the database in the clear (docs/adr/0036).
    """
    if not settings.cipher_key:
        return {}
    return {"CIPHER_TOPIC": "eventsourcing.cipher:AESCipher", "CIPHER_KEY": settings.cipher_key}


def _store_env(settings: Settings) -> dict[str, str]:
    if settings.database_url:
        return postgres_env(settings.database_url, settings.db_pool_size)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": "infrastructure.store.histories:SQLiteHistories",
        "SQLITE_DBNAME": str(settings.data_dir / SQLITE_FILE_NAME),
        "SQLITE_LOCK_TIMEOUT": "10",
        **CACHE,
    }


def postgres_env(url: str, pool_size: int = 9) -> dict[str, str]:
    """The library's POSTGRES_* variables for a postgresql:// URL.

    Every application and view of the process shares one pool of at most `pool_size`
    connections (see connection_pool.py); one stays open, the rest open when work needs them.
    A thread waits POOL_WAIT_SECONDS for one; the library's recorders try ten times, so a
    thread that cannot get one from a busy pool fails after about ten seconds (with the
    database unreachable, after about three: see FailingFastPool), and the followers log it
    and try again: a full server or pool never leaves a process silent. (psycopg's pool also
    logs each failed connection attempt, e.g. "too many clients", as it happens.)

    `?schema=NAME` picks a schema other than public (the tests give each test its own).
    POSTGRES_ENABLE_DB_FUNCTIONS stays off: in 9.5.6 it skips the table lock that keeps
    notification order and drops tracking records.
    """
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    env = {
        "PERSISTENCE_MODULE": "infrastructure.store.connection_pool:SharedPostgresFactory",
        "APPLICATION_RECORDER_TOPIC": "infrastructure.store.histories:PostgresHistories",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": "1",
        "POSTGRES_MAX_OVERFLOW": str(max(pool_size - 1, 0)),
        # How long a request waits for a connection: with the database gone, a 503 within
        # 2 s rather than a hang (docs/adr/0034).
        "POSTGRES_CONNECT_TIMEOUT": str(POOL_WAIT_SECONDS),
        "POSTGRES_LOCK_TIMEOUT": "5",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        **CACHE,
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"][0]
    return env
