"""On PostgreSQL a process shares one pool, and says so when it cannot get a connection."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from infrastructure.store.connection_pool import pool_usage
from interfaces.bootstrap import Paysync, bootstrap
from tests.e2e.api import wait_for
from tests.stores import fresh_settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def small_paysync(tmp_path: Path) -> Iterator[Paysync]:
    """A budget of 2: a pool of one connection, and the LISTEN connection."""
    with fresh_settings(
        "postgres", tmp_path, db_connections=2, follower_poll_seconds=0.2
    ) as settings:
        paysync = bootstrap(settings)
        yield paysync
        paysync.close()


def test_every_application_and_view_of_a_process_shares_one_pool(
    small_paysync: Paysync,
) -> None:
    datastores = {
        id(small_paysync.payments.recorder.datastore),  # type: ignore[attr-defined]
        id(small_paysync.export_queue.datastore),  # type: ignore[attr-defined]
        *(id(view.datastore) for view in small_paysync.read_models.views.values()),  # type: ignore[attr-defined]
    }
    assert len(datastores) == 1
    assert pool_usage()["max"] == 1


def test_a_follower_without_a_connection_says_so_and_catches_up_once_it_has_one(
    small_paysync: Paysync, caplog: pytest.LogCaptureFixture
) -> None:
    paysync = small_paysync
    paysync.payments.open_funding_account(
        "acme", nickname="Operating", bank_id="1001", next_check_number=1, actor="pat"
    )
    release = threading.Event()
    held = threading.Event()

    def hold_the_only_connection() -> None:
        with paysync.payments.recorder.datastore.get_connection():  # type: ignore[attr-defined]
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_only_connection)
    holder.start()
    held.wait(10)
    try:
        with caplog.at_level(logging.WARNING, logger="application.following"):
            paysync.start_projections()
            said = wait_for(
                lambda: [r.getMessage() for r in caplog.records],
                lambda lines: any("cannot reach the event store" in line for line in lines),
                timeout=30,
            )
        assert any("cannot reach the event store" in line for line in said), said
    finally:
        release.set()
        holder.join()
    assert wait_for(lambda: paysync.lags()["check_register"], lambda n: n == 0, timeout=30) == 0


def test_a_closed_paysync_collected_later_leaves_the_next_ones_pool_open(tmp_path: Path) -> None:
    import gc

    with fresh_settings("postgres", tmp_path) as settings:
        first = bootstrap(settings)
        second = bootstrap(settings)
        first.close()
        del first
        gc.collect()
        assert second.payments.recorder.max_notification_id() is None
        second.close()
