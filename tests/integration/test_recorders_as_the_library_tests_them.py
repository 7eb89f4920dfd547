"""paysync's application recorders pass the library's own recorder tests, on both stores.

`PostgresHistories` replaces how the library writes a save's events and reads a history and
the log (histories.py); these are the library's own tests of those, with its recorders swapped
for ours: every insert and select case, ten writers racing with no conflict, and two saves
racing whose notification ids must not interleave (commits in notification order).
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)

from infrastructure.store.histories import PostgresHistories, SQLiteHistories
from tests.stores import POSTGRES_URL


class OwnThreadsJoined:
    """The library's concurrent case sets its readers' stop flag and returns without joining
    them: closing the store under a reader still in a query crashed SQLite's driver (a
    segfault). Every thread a case started ends before its store is closed."""

    def setUp(self) -> None:
        self.threads_before = set(threading.enumerate())

    def join_own_threads(self) -> None:
        for thread in set(threading.enumerate()) - self.threads_before:
            if not thread.daemon:  # the pools' own workers are daemons, and live on until close
                thread.join(timeout=30)


class PostgresSchema(OwnThreadsJoined):
    """A fresh schema per test, dropped afterwards, as tests/stores.py does for the others."""

    def setUp(self) -> None:
        super().setUp()
        self.schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
        self.datastore = PostgresDatastore(
            "postgres", "127.0.0.1", 5432, "postgres", "", pool_size=4, max_overflow=8,
            schema=self.schema,
        )  # fmt: skip

    def tearDown(self) -> None:
        self.join_own_threads()
        self.datastore.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')

    def create_recorder(self) -> PostgresHistories:
        recorder = PostgresHistories(self.datastore, events_table_name="stored_events")
        recorder.create_table()
        return recorder


class SQLiteFile(OwnThreadsJoined):
    def setUp(self) -> None:
        super().setUp()
        self.folder = tempfile.TemporaryDirectory()
        self.datastore = SQLiteDatastore(str(Path(self.folder.name) / "events.db"))

    def tearDown(self) -> None:
        self.join_own_threads()
        self.datastore.close()
        self.folder.cleanup()

    def create_recorder(self) -> SQLiteHistories:
        recorder = SQLiteHistories(self.datastore, events_table_name="stored_events")
        recorder.create_table()
        return recorder


# The library's timing cases print speeds and assert nothing; speed is bench/'s to measure.
NOT_CORRECTNESS: dict[str, Any] = {"test_performance": None, "test_concurrent_throughput": None}


class TestPostgresHistories(PostgresSchema, ApplicationRecorderTestCase[PostgresHistories]):
    locals().update(NOT_CORRECTNESS)


class TestPostgresHistoriesDoNotInterleave(PostgresSchema, NonInterleavingNotificationIDsBaseCase):
    pass


class TestSQLiteHistories(SQLiteFile, ApplicationRecorderTestCase[SQLiteHistories]):
    locals().update(NOT_CORRECTNESS)


class TestSQLiteHistoriesDoNotInterleave(SQLiteFile, NonInterleavingNotificationIDsBaseCase):
    pass
