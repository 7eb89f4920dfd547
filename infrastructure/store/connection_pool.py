"""One PostgreSQL pool per process, shared by every application, view and follower in it.

The library builds a datastore (and so a pool) per infrastructure factory: one for the events,
one per read model, one for the export queue, one for the audit chain. At 10 + 10 overflow each
that came to 30-35 connections a process. The library picks its factory class from the
PERSISTENCE_MODULE topic, so paysync names this factory there: it builds its datastore as the
library does, then keeps the first one built for the same database, user and schema, and
drops its own unopened one. Users close it as before; the pool closes when the last one does.

Its pool waits for a connection as the library's does, until the database has proved
unreachable (see `FailingFastPool`).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from eventsourcing.persistence import (
    ApplicationRecorder,
    InternalError,
    ProcessRecorder,
)
from eventsourcing.postgres import (
    ConnectionPool,
    PostgresDatastore,
    PostgresFactory,
    PostgresTrackingRecorder,
)
from eventsourcing.utils import Environment
from psycopg_pool import PoolTimeout

R = TypeVar("R")
T = TypeVar("T", bound=PostgresTrackingRecorder)
log = logging.getLogger(__name__)
DDL_TRIES = 5
# How long a caller waits for a connection while the database is unreachable.
UNREACHABLE_WAIT_SECONDS = 0.05

_LOCK = threading.Lock()
_POOLS: dict[tuple[object, ...], SharedPostgresDatastore] = {}


class SharedPostgresDatastore(PostgresDatastore):
    """A datastore several users hold; `close()` releases one hold, the last one closes."""

    key: tuple[object, ...]
    holders: int

    def close(self) -> None:
        with _LOCK:
            self.holders -= 1
            if self.holders > 0:
                return
            if _POOLS.get(self.key) is self:
                del _POOLS[self.key]
        super().close()


class FailingFastPool(ConnectionPool[Any]):
    """The library's pool, waiting briefly instead of its whole timeout for a connection
    while the database is unreachable.

    Every read and write of the library, and of paysync's recorder, is retried ten times on
    an operational error, and each try waited the pool's whole timeout for a connection:
    with the database gone, a request took 10 s to get its 503 (ADR 0034's addendum).
    Once a wait has timed out while the pool's attempts to connect were failing (the
    database is gone, not busy), each wait in the next `timeout` seconds is brief, so the
    ten tries take about the library's ten pauses between them. A wait that times out
    because every connection is busy with no failed attempt (exhaustion) leaves waits
    whole, and any connection got ends the brief waits at once. The pool goes on
    reconnecting in the background as before.
    """

    _unreachable_until = 0.0
    _errors_seen = 0

    @property
    def unreachable(self) -> bool:
        return time.monotonic() < self._unreachable_until

    def getconn(self, timeout: float | None = None) -> Any:
        if timeout is None and self.unreachable:
            timeout = UNREACHABLE_WAIT_SECONDS
        try:
            connection = super().getconn(timeout)
        except PoolTimeout:
            errors = self.failed_connects()
            if errors > self._errors_seen:  # attempts failed since the last timed-out wait
                self._unreachable_until = time.monotonic() + self.timeout
            self._errors_seen = errors
            raise
        if self._unreachable_until:  # back: the failures so far are the outage's
            self._unreachable_until = 0.0
            self._errors_seen = self.failed_connects()
        return connection

    def failed_connects(self) -> int:
        """How many of the pool's attempts to connect have failed, ever."""
        return int(self.get_stats().get("connections_errors", 0))


class SharedPostgresFactory(PostgresFactory):
    """The library's PostgreSQL factory, with the process's one datastore per database."""

    def __init__(self, env: Environment | Any) -> None:
        super().__init__(env)
        self.datastore = share(self.datastore)
        self._released = False

    def close(self) -> None:
        # Once: the application closes its factory when closed and again when collected.
        if not self._released:
            self._released = True
            self.datastore.close()

    # Each recorder creates its tables as it is built; see `created`.
    def application_recorder(self) -> ApplicationRecorder:
        return created(super().application_recorder)

    def tracking_recorder(self, tracking_recorder_class: type[T] | None = None) -> T:
        build = super().tracking_recorder
        return created(lambda: build(tracking_recorder_class))

    def process_recorder(self) -> ProcessRecorder:
        return created(super().process_recorder)


def created(build: Callable[[], R]) -> R:
    """A recorder built, trying again when another process created the same tables at once.

    The library's table creation runs `CREATE OR REPLACE FUNCTION` every time; two processes
    doing so together (two workers restarted at the same moment) make PostgreSQL refuse one
    with "tuple concurrently updated", and that process died at start. Every statement is
    idempotent, so the refused one is simply run again a moment later.
    """
    for _ in range(DDL_TRIES - 1):
        try:
            return build()
        except InternalError as error:
            if "concurrently" not in str(error):
                raise
            log.info("tables created by another process at the same moment; trying again")
            time.sleep(random.uniform(0.05, 0.25))
    return build()


def share(own: PostgresDatastore) -> SharedPostgresDatastore:
    kwargs: dict[str, Any] = own.pool.kwargs  # type: ignore[assignment]  # a dict here
    key = (
        kwargs.get("host"),
        kwargs.get("port"),
        kwargs.get("dbname"),
        kwargs.get("user"),
        own.schema,
    )
    with _LOCK:
        shared = _POOLS.get(key)
        if shared is None:
            # Adopt the datastore the library just configured (its pool is not open yet),
            # rather than repeat the library's reading of the POSTGRES_* variables here.
            own.__class__ = SharedPostgresDatastore
            own.pool.__class__ = FailingFastPool
            shared = own  # type: ignore[assignment]
            assert isinstance(shared, SharedPostgresDatastore)
            shared.key = key
            shared.holders = 0
            _POOLS[key] = shared
        else:
            own.pool.close()  # never opened: it holds no connection
        shared.holders += 1
        return shared


def pool_usage() -> dict[str, int]:
    """Connections of the process's pools: open ones, in use, and the most allowed."""
    size = in_use = most = 0
    with _LOCK:
        pools = list(_POOLS.values())
    for datastore in pools:
        stats = datastore.pool.get_stats()
        size += stats.get("pool_size", 0)
        in_use += stats.get("pool_size", 0) - stats.get("pool_available", 0)
        most += datastore.pool.max_size
    return {"open": size, "in_use": in_use, "max": most}
