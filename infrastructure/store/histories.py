"""The library's application recorders with one more read: many aggregates' histories at once.

A disbursement's funding and authorization change every invoice it pays, up to 100; loading
them one by one cost a database round trip each (a fast-forward of the cached invoice), a
fifth of the export's time in a burst of fundings on PostgreSQL. `select_events_of` reads
them in one statement. The event store names these classes as its application recorders
(APPLICATION_RECORDER_TOPIC, see event_store.py); everything else is the library's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

CHUNK = 500  # ids per statement on SQLite (its limit on ? marks is higher, but not unbounded)


class SQLiteHistories(SQLiteApplicationRecorder):
    def select_events_of(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of these aggregates, each aggregate's in version order."""
        ids = [originator_id.hex for originator_id in originator_ids]
        found: list[StoredEvent] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                c.execute(
                    f"SELECT * FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({', '.join('?' for _ in chunk)}) "
                    "ORDER BY originator_id, originator_version",
                    chunk,
                )
                found += [
                    StoredEvent(
                        originator_id=self.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    )
                    for row in c.fetchall()
                ]
        return found


class PostgresHistories(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as select_events
    def select_events_of(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of these aggregates, each aggregate's in version order."""
        statement = SQL(
            "SELECT * FROM {schema}.{table} WHERE originator_id = ANY(%s) "
            "ORDER BY originator_id, originator_version"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, [list(originator_ids)], prepare=True)
            return [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]
