"""Wake followers in any process the moment PostgreSQL records new events.

The library's PostgreSQL recorder sends NOTIFY on its events table's channel with every
insert; this listens on that channel. Spurious wake-ups are harmless: a follower that finds
nothing new simply waits again.
"""

from __future__ import annotations

import contextlib
import time

import psycopg
from psycopg import sql


class PostgresWakeup:
    def __init__(self, conninfo: str, channel: str) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def _listening(self) -> psycopg.Connection[tuple[object, ...]]:
        # Connected on first use, so processes that never follow hold no extra connection.
        if self._conn is None:
            self._conn = psycopg.connect(self._conninfo, autocommit=True)
            self._conn.execute(sql.SQL("LISTEN {0}").format(sql.Identifier(self._channel)))
        return self._conn

    def clear(self) -> None:
        try:
            for _ in self._listening().notifies(timeout=0):
                pass
        except psycopg.Error:
            self._drop()  # the next wait listens anew; a lost signal costs one poll at most

    def wait(self, timeout: float) -> None:
        """Until a NOTIFY or `timeout`. A dropped connection (database restart, a killed
        backend) never stops the follower: it sleeps out the timeout and reconnects later."""
        try:
            for _ in self._listening().notifies(timeout=timeout, stop_after=1):
                pass
        except psycopg.Error:
            self._drop()
            time.sleep(timeout)

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        self._drop()
