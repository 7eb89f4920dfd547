"""Hot-aggregate locks shared between processes: a PostgreSQL advisory lock, or a file lock.

Two processes authorizing on one funding account would otherwise both load it, both decide,
and one lose the save and start over; taking one lock per account stripe first makes their
batches queue instead. The lock is only a speed-up: the library's version check still
decides every race, so a lock lost with its connection costs a retry, never a wrong number.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

from psycopg_pool import ConnectionPool

from application.ports import BetweenProcesses
from infrastructure.settings import Settings
from infrastructure.store.event_store import SQLITE_FILE_NAME

STRIPES = 64  # as AggregateLocks: one process's stripe is held by one of its threads at once
# Advisory-lock keys of this class, so they never meet another use of advisory locks.
ADVISORY_CLASS = 0x70617973  # "pays"


class AdvisoryLocks:
    """pg_advisory_lock on one connection of its own, counted in the process's budget
    (PAYSYNC_DB_CONNECTIONS): batch leaders of one process take turns on it."""

    def __init__(self, database_url: str) -> None:
        parts = urlsplit(database_url)
        conninfo = urlunsplit(parts._replace(query=""))  # ?schema= is paysync's, not libpq's
        self._pool = ConnectionPool(
            conninfo, min_size=1, max_size=1, kwargs={"autocommit": True}, open=True
        )

    @contextmanager
    def holding(self, aggregate_id: UUID) -> Iterator[None]:
        stripe = aggregate_id.int % STRIPES
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s, %s)", (ADVISORY_CLASS, stripe))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", (ADVISORY_CLASS, stripe))

    def close(self) -> None:
        self._pool.close()


class FileLocks:
    """A byte-range lock per stripe on a file beside the SQLite store.

    POSIX record locks belong to the process, not the thread: the stripe's in-process lock,
    held around this one, keeps two threads of one process from sharing a byte.
    """

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(data_dir / f"{SQLITE_FILE_NAME}.hot-locks", os.O_RDWR | os.O_CREAT)

    @contextmanager
    def holding(self, aggregate_id: UUID) -> Iterator[None]:
        stripe = aggregate_id.int % STRIPES
        fcntl.lockf(self._fd, fcntl.LOCK_EX, 1, stripe)
        try:
            yield
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, stripe)

    def close(self) -> None:
        os.close(self._fd)


class NoLocks:
    """A budget too small for the advisory-lock connection: processes race, and the version
    check sends the losers round again."""

    @contextmanager
    def holding(self, aggregate_id: UUID) -> Iterator[None]:
        yield

    def close(self) -> None:
        pass


def hot_locks(settings: Settings) -> AdvisoryLocks | FileLocks | NoLocks:
    locks: AdvisoryLocks | FileLocks | NoLocks
    if not settings.database_url:
        locks = FileLocks(settings.data_dir)
    elif settings.db_hot_lock_connections:
        locks = AdvisoryLocks(settings.database_url)
    else:
        locks = NoLocks()
    _: BetweenProcesses = locks
    return locks
