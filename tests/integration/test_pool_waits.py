"""The pool waits briefly for a connection while PostgreSQL is unreachable, and whole when
it is only busy (infrastructure/store/connection_pool.py: FailingFastPool)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from psycopg_pool import PoolTimeout

from infrastructure.store.connection_pool import FailingFastPool
from tests.e2e.api import wait_for
from tests.fixtures.tcp_proxy import TcpProxy
from tests.stores import POSTGRES_URL

pytestmark = pytest.mark.postgres
TARGET = urlsplit(POSTGRES_URL)


def pool_on(port: int) -> FailingFastPool:
    return FailingFastPool(
        kwargs={
            "host": TARGET.hostname,
            "port": port,
            "dbname": TARGET.path.lstrip("/") or "postgres",
            "user": TARGET.username or "postgres",
        },
        min_size=1,
        max_size=1,
        timeout=0.5,
        open=False,
    )


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy(TARGET.hostname or "127.0.0.1", TARGET.port or 5432)
    yield proxy
    proxy.cut()


def test_a_timed_out_wait_with_failing_connects_means_unreachable_until_a_connection_is_got(
    proxy: TcpProxy,
) -> None:
    pool = pool_on(proxy.port)  # nothing listens there yet
    pool.open(wait=False)
    try:
        assert not pool.unreachable
        with pytest.raises(PoolTimeout):
            pool.getconn()
        assert pool.unreachable
        with pytest.raises(PoolTimeout):
            pool.getconn()  # a brief wait, still failing
        assert pool.unreachable

        # The pool's own attempts go on failing while nobody asks for a connection ...
        failed = pool.failed_connects()
        assert wait_for(pool.failed_connects, lambda n: n > failed, 30) > failed
        proxy.start()  # ... until the database is back and the pool has connected
        assert wait_for(lambda: pool.get_stats().get("pool_available", 0), bool, 30)

        pool.putconn(pool.getconn())
        assert not pool.unreachable

        assert_a_busy_wait_leaves_it_reachable(pool)  # the outage's failures do not count
    finally:
        pool.close()


def test_a_wait_that_times_out_with_every_connection_busy_leaves_waits_whole() -> None:
    pool = pool_on(TARGET.port or 5432)
    pool.open(wait=True)
    try:
        assert_a_busy_wait_leaves_it_reachable(pool)
    finally:
        pool.close()


def assert_a_busy_wait_leaves_it_reachable(pool: FailingFastPool) -> None:
    """Its one connection held, a wait for another times out, and the pool is not taken
    for unreachable."""
    held = pool.getconn()
    with pytest.raises(PoolTimeout):
        pool.getconn()
    assert not pool.unreachable
    pool.putconn(held)
