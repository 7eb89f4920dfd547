"""A read model's view in SQLite: a file of its own (see infrastructure/store/views.py).

Writers take the file's write lock up front (BEGIN IMMEDIATE), so a batch's check of the
position and its writes see the same state; they commit without waiting for the disk
(synchronous=NORMAL), since a view can always be built again from the events. In WAL mode
readers are never blocked: they read the last committed rows, also while a rebuild's rows
are being written in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eventsourcing.sqlite import SQLiteTrackingRecorder

from application.read_models.read_model import ReadModel
from infrastructure.read_models.sql_read_model import SqlReadModel, check_not_behind, marks
from infrastructure.read_models.tables import STATES


class SQLiteReadModel(SQLiteTrackingRecorder, SqlReadModel):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.view_statements()]

    def create_table(self) -> None:
        super().create_table()
        self.rebuild_if_reshaped()

    def table_name(self, suffix: str) -> str:
        return f'"{self.kind}_{suffix}"'

    def index_prefix(self, suffix: str) -> str:
        return f"{self.kind}_{suffix}"

    def sql(self, statement: str) -> str:
        return statement

    def tracking_table(self) -> str:
        return "tracking"

    @contextmanager
    def writing(self) -> Iterator[Any]:
        with self.datastore.get_connection(commit=True) as conn, conn.cursor() as c:
            # No fsync per commit (WAL stays consistent; a power cut may undo the last
            # batches, rows and position together, and they are applied again).
            c.execute("PRAGMA synchronous = NORMAL")
            c.execute("BEGIN IMMEDIATE")
            try:
                yield c
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    @contextmanager
    def reading(self) -> Iterator[Any]:
        # One snapshot for every statement of the read.
        with self.datastore.get_connection(commit=False) as conn, conn.cursor() as c:
            c.execute("BEGIN")
            try:
                yield c
            finally:
                conn.rollback()

    def replace_with(self, rebuilt: ReadModel, catch_up: Callable[[], object]) -> None:
        assert isinstance(rebuilt, SQLiteReadModel)
        assert rebuilt.kind == self.kind
        with self.writing() as c:
            catch_up()
            with rebuilt.reading() as source:
                positions = rebuilt.positions(source)
                check_not_behind(self.kind, self.positions(c), positions)
                # Plain tuples, streamed from one cursor into the other's executemany: the
                # copy runs in the driver, not a Python loop over rows.
                source.row_factory = None
                for suffix in (STATES, *(table.suffix for table in self.tables)):
                    name = self.table_name(suffix)
                    c.execute(f"DELETE FROM {name}")
                    columns = 2 if suffix == STATES else 1 + len(self.table(suffix).fields)
                    source.execute(f"SELECT * FROM {name}")
                    c.executemany(f"INSERT INTO {name} VALUES ({marks(range(columns))})", source)
            self.record_positions(c, positions)

    def drop(self) -> None:
        path = Path(self.datastore.pool.db_name)
        self.close()
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        self.datastore.close()
