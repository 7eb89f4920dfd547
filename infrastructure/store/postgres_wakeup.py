"""Wake followers in any process the moment PostgreSQL records new events.

The library's PostgreSQL recorder sends NOTIFY on its events table's channel with every
insert; this listens on that channel. Spurious wake-ups are harmless: a follower that finds
nothing new simply waits again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)


class PostgresWakeup:
    def __init__(self, conninfo: str, channel: str) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._failing = False

    def _listening(self) -> psycopg.Connection[tuple[object, ...]]:
        # Connected on first use, so processes that never follow hold no extra connection.
        if self._conn is None:
            self._conn = psycopg.connect(self._conninfo, autocommit=True)
            self._conn.execute(sql.SQL("LISTEN {0}").format(sql.Identifier(self._channel)))
            if self._failing:
                log.warning("listening for new events on PostgreSQL again")
                self._failing = False
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
        self.heard(timeout)

    def heard(self, timeout: float) -> bool:
        """Whether a NOTIFY came within `timeout` (False also when the connection failed)."""
        try:
            return any(True for _ in self._listening().notifies(timeout=timeout, stop_after=1))
        except psycopg.Error as error:
            if self._conn is not None or not self._failing:
                log.warning(
                    "cannot listen for new events on PostgreSQL (%s); retrying every %.1f s",
                    one_line(error),
                    timeout,
                )
            self._failing = True
            self._drop()
            time.sleep(timeout)
            return False

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        self._drop()


class NotifyRelay:
    """The process's one LISTEN connection: every NOTIFY wakes all of its followers.

    A connection per follower took six; the connection budget counts this one.
    """

    def __init__(self, wakeup: PostgresWakeup, notify: Callable[[], None], poll_seconds: float):
        self._wakeup = wakeup
        self._notify = notify
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="notify-relay", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            if self._wakeup.heard(self._poll_seconds):
                self._notify()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._wakeup.close()

    close = stop


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
