"""The library's application recorders with one more read and, on PostgreSQL, cheaper calls.

A disbursement's funding and authorization change every invoice it pays, up to 100; loading
them one by one cost a database round trip each (a fast-forward of the cached invoice), a
fifth of the export's time in a burst of fundings on PostgreSQL. `select_events_of` reads
them in one statement.

On PostgreSQL the library inserts a save's events as one array of a composite type, which
psycopg dumps in text, in Python, field by field (each state's bytes hex-escaped): a save of
100 events cost 2.6 ms of CPU, and the dump was two fifths of recording export outcomes.
`PostgresHistories` sends the same rows as four arrays, one per column, dumped in binary
(0.4 ms). Everything around the insert stays the library's: the table lock that makes
commits follow notification order, the NOTIFY, the pipeline, the returned notification ids.
The reads every load and every follower make (`select_events`, `select_notifications`) use
statements rendered once and tuple rows; the library composes each statement again per call
and builds a dict per row. The library's own recorder tests run against these classes
(tests/integration/test_recorders_as_the_library_tests_them.py).

The event store names these classes as its application recorders
(APPLICATION_RECORDER_TOPIC, see event_store.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composable, Identifier

from infrastructure.store.sqlite_writers import WritersBetweenProcesses

EVENT_COLUMNS = "originator_id, originator_version, topic, state"
CHUNK = 250  # (id, version) pairs per statement on SQLite: 500 ? marks
# How the library retries its own reads; the reads replaced here keep it.
retried = retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)


class SQLiteHistories(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._writers = WritersBetweenProcesses(datastore.pool.db_name)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self._writers.holding():
            return super().insert_events(stored_events, **kwargs)

    def select_events_of(
        self, originator_ids: Sequence[UUID], *, after: Mapping[UUID, int] | None = None
    ) -> list[StoredEvent]:
        """Every event of these aggregates (of those in `after`, only the events after that
        version), each aggregate's in version order."""
        after = after or {}
        known = [(i.hex, after.get(i, 0)) for i in originator_ids]
        found: list[StoredEvent] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(known), CHUNK):
                chunk = known[start : start + CHUNK]
                c.execute(
                    f"WITH known (id, version) AS (VALUES {', '.join('(?, ?)' for _ in chunk)}) "
                    f"SELECT e.* FROM known JOIN {self.events_table_name} AS e "
                    "ON e.originator_id = known.id AND e.originator_version > known.version "
                    "ORDER BY e.originator_id, e.originator_version",
                    [value for pair in chunk for value in pair],
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
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        names = {
            "schema": Identifier(datastore.schema),
            "table": Identifier(self.events_table_name),
            "id_type": Identifier(datastore.originator_id_type),
        }

        def rendered(statement: str) -> bytes:
            # Once: the library composes its statements again for every call, and psycopg
            # renders each composition again, quoting its identifiers through libpq.
            return SQL(statement).format(**names).as_string().encode()

        self._insert_columns = rendered(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::{id_type}[], %b::bigint[], %b::text[], %b::bytea[]) "
            "RETURNING notification_id"
        )
        self._select_events = rendered(
            f"SELECT {EVENT_COLUMNS} FROM {{schema}}.{{table}} WHERE originator_id = %s"
        )
        self._select_events_of = rendered(
            f"SELECT {EVENT_COLUMNS} FROM unnest(%b::{{id_type}}[], %b::bigint[]) "
            "AS known (id, version) JOIN {schema}.{table} "
            "ON originator_id = known.id AND originator_version > known.version "
            "ORDER BY originator_id, originator_version"
        )
        self._select_notifications = rendered(
            f"SELECT notification_id, {EVENT_COLUMNS} FROM {{schema}}.{{table}}"
        )
        self._notify = SQL("NOTIFY {0}").format(Identifier(self.channel_name)).as_string().encode()
        self.lock_table_statements = [
            s.as_string().encode() if isinstance(s, Composable) else s
            for s in self.lock_table_statements
        ]

    def _insert_stored_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        # Called by the library's insert_events, inside its pipeline and transaction, which
        # then reads the returned ids; unnest() yields the rows in the arrays' order.
        self._lock_table(curs)
        curs.execute(self._notify)
        curs.execute(
            self._insert_columns,
            (
                [event.originator_id for event in stored_events],
                [event.originator_version for event in stored_events],
                [event.topic for event in stored_events],
                [event.state for event in stored_events],
            ),
            prepare=True,
        )

    @retried
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """The library's read of one history (a fast-forward, a replay), as it reads it."""
        statement, params = self._select_events, list[Any]([originator_id])
        if gt is not None:
            statement, params = statement + b" AND originator_version > %s", [*params, gt]
        if lte is not None:
            statement, params = statement + b" AND originator_version <= %s", [*params, lte]
        statement += (
            b" ORDER BY originator_version DESC" if desc else b" ORDER BY originator_version"
        )
        if limit is not None:
            statement, params = statement + b" LIMIT %s", [*params, limit]
        return self._stored_events(statement, params)

    @retried
    def select_events_of(
        self, originator_ids: Sequence[UUID], *, after: Mapping[UUID, int] | None = None
    ) -> list[StoredEvent]:
        """Every event of these aggregates (of those in `after`, only the events after that
        version), each aggregate's in version order."""
        after = after or {}
        versions = [after.get(i, 0) for i in originator_ids]
        return self._stored_events(self._select_events_of, [list(originator_ids), versions])

    def _stored_events(self, statement: bytes, params: list[Any]) -> list[StoredEvent]:
        # Rows as tuples: the datastore's dict rows cost a dict per event.
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, params, prepare=True)
            return [
                StoredEvent(originator_id, version, topic, bytes(state))
                for originator_id, version, topic, state in curs.fetchall()
            ]

    @retried
    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        """The library's read of the log (every follower's pull), as it reads it."""
        where: list[bytes] = []
        params: list[Any] = []
        if start is not None:
            where.append(
                b"notification_id >= %s" if inclusive_of_start else b"notification_id > %s"
            )
            params.append(start)
        if stop is not None:
            where.append(b"notification_id <= %s")
            params.append(stop)
        if topics:
            where.append(b"topic = ANY(%s)")
            params.append(list(topics))
        statement = self._select_notifications
        if where:
            statement += b" WHERE " + b" AND ".join(where)
        statement += b" ORDER BY notification_id LIMIT %s"
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, [*params, limit], prepare=True)
            return [
                Notification(
                    id=notification_id,
                    originator_id=originator_id,
                    originator_version=version,
                    topic=topic,
                    state=bytes(state),
                )
                for notification_id, originator_id, version, topic, state in curs.fetchall()
            ]
