"""The PostgreSQL wake-up survives its connection being killed: followers keep following."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from infrastructure.store.postgres_wakeup import PostgresWakeup
from tests.stores import POSTGRES_URL

pytestmark = pytest.mark.postgres
CHANNEL = "paysync_wakeup_test"


@pytest.fixture
def wakeup() -> Iterator[PostgresWakeup]:
    listener = PostgresWakeup(POSTGRES_URL, CHANNEL)
    yield listener
    listener.close()


def notify_soon() -> threading.Timer:
    def send() -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"NOTIFY {CHANNEL}")

    timer = threading.Timer(0.2, send)
    timer.start()
    return timer


def kill_listeners() -> int:
    """Terminate the backends listening on CHANNEL; how many. Returns once they are gone:
    pg_terminate_backend only signals, and a backend still alive would answer the next wait
    (on a loaded machine the test then waited on a connection that died later)."""
    listening = "FROM pg_stat_activity WHERE query LIKE %s AND pid <> pg_backend_pid()"
    query = (f"LISTEN%{CHANNEL}%",)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        killed = conn.execute(f"SELECT pg_terminate_backend(pid) {listening}", query).fetchall()
        deadline = time.monotonic() + 10
        while conn.execute(f"SELECT count(*) {listening}", query).fetchone() != (0,):
            assert time.monotonic() < deadline, "a terminated backend is still listening"
            time.sleep(0.01)
    return len(killed)


def woken_by_notify(wakeup: PostgresWakeup) -> bool:
    """Waits with a timeout far longer than the test runs: only the NOTIFY can end it."""
    timer = notify_soon()
    waiter = threading.Thread(target=wakeup.wait, args=(600,), daemon=True)
    waiter.start()
    waiter.join(timeout=20)
    timer.join()
    return not waiter.is_alive()


def test_a_notify_wakes_the_waiting_follower(wakeup: PostgresWakeup) -> None:
    wakeup.clear()
    assert woken_by_notify(wakeup)


def test_a_killed_listening_connection_is_replaced_on_the_next_wait(
    wakeup: PostgresWakeup,
) -> None:
    wakeup.clear()  # connects and listens
    assert kill_listeners() == 1

    wakeup.wait(0.05)  # notices the dead connection, sleeps out the timeout, does not raise
    wakeup.clear()  # listens anew
    assert woken_by_notify(wakeup)
