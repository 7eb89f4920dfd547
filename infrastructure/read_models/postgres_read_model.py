"""A read model's view in PostgreSQL: tables beside the events, named after its tracking table.

Writers lock the view's tracking table (SHARE ROW EXCLUSIVE: writers and swaps take turns,
readers never wait) before they check the position, so a batch's check and its writes see the
same state. A rebuild's rows are written in (or a large rebuild's scratch tables copied in)
in one transaction; readers keep reading the old rows (MVCC) until it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL

from application.read_models.read_model import ReadModel
from infrastructure.read_models.sql_read_model import SqlReadModel, check_not_behind
from infrastructure.read_models.tables import STATES


class PostgresReadModel(PostgresTrackingRecorder, SqlReadModel):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._closed = False
        self.prefix = self.tracking_table_name.removesuffix("_tracking")
        self.sql_create_statements.extend(SQL(s).format() for s in self.view_statements())

    def create_table(self) -> None:
        super().create_table()
        self.rebuild_if_reshaped()

    def table_name(self, suffix: str) -> str:
        return f"{quoted(self.datastore.schema)}.{quoted(f'{self.prefix}_{suffix}')}"

    def index_prefix(self, suffix: str) -> str:
        return f"{self.prefix}_{suffix}"

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def tracking_table(self) -> str:
        return f"{quoted(self.datastore.schema)}.{quoted(self.tracking_table_name)}"

    @contextmanager
    def writing(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as c:
            # One round trip for both (statements without parameters may share an execute).
            c.execute(
                SQL("SET LOCAL lock_timeout = '{0}s'; ").format(self.datastore.lock_timeout)
                + SQL(f"LOCK TABLE {self.tracking_table()} IN SHARE ROW EXCLUSIVE MODE")
            )
            yield c

    @contextmanager
    def reading(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield c

    def delete_owned(self, c: Any, suffix: str, column: str, keys: list[str]) -> None:
        # One statement text whatever the number of keys, so the server prepares it once.
        c.execute(f"DELETE FROM {self.table_name(suffix)} WHERE {column} = ANY(%s)", (keys,))

    def insert_rows(self, c: Any, suffix: str, rows: list[tuple[object, ...]]) -> None:
        # COPY: one round trip for the batch's rows, where INSERTs take one each.
        if rows:
            with c.copy(f"COPY {self.table_name(suffix)} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def replace_with(self, rebuilt: ReadModel, catch_up: Callable[[], object]) -> None:
        assert isinstance(rebuilt, PostgresReadModel)
        assert rebuilt.kind == self.kind
        with self.writing() as c:
            catch_up()
            positions = rebuilt.positions(c)
            check_not_behind(self.kind, self.positions(c), positions)
            for suffix in (STATES, *(table.suffix for table in self.tables)):
                c.execute(f"DELETE FROM {self.table_name(suffix)}")
                source, target = rebuilt.table_name(suffix), self.table_name(suffix)
                c.execute(f"INSERT INTO {target} SELECT * FROM {source}")
            self.record_positions(c, positions)

    def drop(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            for suffix in (STATES, *(table.suffix for table in self.tables)):
                c.execute(f"DROP TABLE IF EXISTS {self.table_name(suffix)}")
            c.execute(f"DROP TABLE IF EXISTS {self.tracking_table()}")
        self.close()

    def close(self) -> None:
        # Once: the datastore is the process's shared one (one release per holder), and a
        # dropped view is closed by its drop and again by whoever opened it.
        if not self._closed:
            self._closed = True
            self.datastore.close()


def quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
