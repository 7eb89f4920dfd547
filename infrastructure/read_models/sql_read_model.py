"""What every read model's view does in SQL, the same on SQLite and PostgreSQL.

The two stores differ in how a table is named, how a parameter is marked, how a writer takes
the view's lock and how a rebuilt view is swapped in; those are left to `SQLiteReadModel` and
`PostgresReadModel`. Statements here are written with `?` and `{name}`s of tables.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import Any, ClassVar

from eventsourcing.persistence import IntegrityError, Tracking

from application.read_models.moments import end_of, start_of
from application.read_models.paging import Page, decode_cursor, page_of
from application.read_models.read_model import ReadModel, ViewUpdate
from infrastructure.read_models.tables import STATES, Table, state_table_statement

CHUNK = 500  # ids per IN list
log = logging.getLogger(__name__)


class SqlReadModel(ReadModel):
    kind: ClassVar[str]  # the read model's name, and its tables' prefix
    tables: ClassVar[tuple[Table, ...]]

    # --- what each store provides --------------------------------------------------------------
    @abstractmethod
    def table_name(self, suffix: str) -> str:
        """The quoted (and on PostgreSQL schema-qualified) name of one of the view's tables."""

    @abstractmethod
    def index_prefix(self, suffix: str) -> str: ...

    @abstractmethod
    def sql(self, statement: str) -> Any:
        """A statement written with `?` markers, as the store's driver takes it."""

    @abstractmethod
    def writing(self) -> AbstractContextManager[Any]:
        """A transaction holding the view's write lock (followers and swaps take turns)."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[Any]: ...

    @abstractmethod
    def tracking_table(self) -> str: ...

    @abstractmethod
    def _insert_tracking(self, c: Any, tracking: Tracking) -> None: ...

    # --- shared --------------------------------------------------------------------------------
    def view_statements(self) -> list[str]:
        statements = [state_table_statement(self.table_name(STATES))]
        for table in self.tables:
            statements += table.create(
                self.table_name(table.suffix), self.index_prefix(table.suffix)
            )
        return statements

    def rebuild_if_reshaped(self) -> bool:
        """Empties the view when its tables' columns are not the code's, so it is built again
        from the events; whether it did.

        A release that adds a field to a read model's rows meets views stored by the one
        before; writing new rows into old tables would fail on every batch. A view is derived
        data, so it is dropped and recreated at its new shape with no position, and its
        followers fold the whole log into it again.
        """
        with self.writing() as c:
            stale = [
                table.suffix
                for table in self.tables
                if self.stored_columns(c, table.suffix) != ("owner", *table.fields)
            ]
            if not stale:
                return False
            for suffix in (STATES, *(table.suffix for table in self.tables)):
                c.execute(f"DROP TABLE IF EXISTS {self.table_name(suffix)}")
            c.execute(f"DELETE FROM {self.tracking_table()}")
            for statement in self.view_statements():
                c.execute(statement)
        log.warning(
            "read model %s: the columns of %s changed; it is built again from the events",
            self.kind,
            ", ".join(stale),
        )
        return True

    def stored_columns(self, c: Any, suffix: str) -> tuple[str, ...]:
        c.execute(f"SELECT * FROM {self.table_name(suffix)} LIMIT 0")
        return tuple(column[0] for column in c.description)

    def table(self, suffix: str) -> Table:
        return next(table for table in self.tables if table.suffix == suffix)

    def select(self, c: Any, statement: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        c.execute(self.sql(statement), tuple(params))
        return [dict(record) for record in c.fetchall()]

    def rows(self, suffix: str, statement: str, params: Sequence[object]) -> list[Any]:
        """Rows of one table, from a SELECT of all its columns (`{t}` names the table)."""
        table = self.table(suffix)
        with self.reading() as c:
            found = self.select(c, statement.format(t=self.table_name(suffix)), params)
        return [table.row_of(record) for record in found]

    def in_seq_order(
        self,
        suffix: str,
        where: Sequence[str],
        params: Sequence[object],
        after: tuple[int, ...] | None,
        limit: int,
    ) -> list[Any]:
        """At most `limit` rows meeting every condition of `where`, in the order they were made
        (`seq`), from after the row whose seq is `after`."""
        if after is not None:
            where, params = [*where, "seq > ?"], [*params, after[0]]
        return self.rows(
            suffix,
            f"SELECT * FROM {{t}} WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?",
            [*params, limit],
        )

    def page_in_seq_order(
        self,
        suffix: str,
        where: Sequence[str],
        params: Sequence[object],
        cursor: str | None,
        limit: int,
    ) -> Page[Any]:
        """One page of `in_seq_order`, from the cursor of the page before."""
        rows = self.in_seq_order(suffix, where, params, decode_cursor(cursor, 1), limit + 1)
        return page_of(rows, limit, lambda row: (row.seq,))

    def position(self, c: Any, application_name: str) -> int | None:
        found = self.select(
            c,
            f"SELECT notification_id FROM {self.tracking_table()} WHERE application_name = ?",
            (application_name,),
        )
        return None if not found else int(found[0]["notification_id"])

    def load_states(self, keys: Collection[str]) -> dict[str, str]:
        states: dict[str, str] = {}
        with self.reading() as c:
            for chunk in chunks(list(keys)):
                found = self.select(
                    c,
                    f"SELECT key, doc FROM {self.table_name(STATES)} WHERE key IN ({marks(chunk)})",
                    chunk,
                )
                states.update((record["key"], record["doc"]) for record in found)
        return states

    def apply(self, update: ViewUpdate, *, first: int, tracking: Tracking) -> None:
        with self.writing() as c:
            position = self.position(c, tracking.application_name)
            if position is not None and position >= first:
                raise IntegrityError(
                    f"{self.kind} is at {position}: the batch from {first} was applied already"
                )
            replaced = list(update.replaced)
            if replaced:
                self.delete_owned(c, STATES, "key", replaced)
                for table in self.tables:
                    self.delete_owned(c, table.suffix, "owner", replaced)
            self.insert_update(c, update)
            # Last, so that a failure to record the position undoes the rows written above.
            self._insert_tracking(c, tracking)

    def replace_all(self, fill: Callable[[], tuple[ViewUpdate, Mapping[str, int]]]) -> None:
        with self.writing() as c:
            update, positions = fill()
            check_not_behind(self.kind, self.positions(c), dict(positions))
            for suffix in (STATES, *(table.suffix for table in self.tables)):
                c.execute(self.sql(f"DELETE FROM {self.table_name(suffix)}"))
            self.insert_update(c, update)
            self.record_positions(c, positions)

    def insert_update(self, c: Any, update: ViewUpdate) -> None:
        """The update's states (a forgotten one: none) and rows, into tables without them."""
        states: list[tuple[object, ...]] = [
            (key, doc) for key, doc in update.states.items() if doc is not None
        ]
        self.insert_rows(c, STATES, states)
        for table in self.tables:
            rows = update.rows.get(table.suffix, ())
            self.insert_rows(c, table.suffix, [table.values(owner, row) for owner, row in rows])

    def record_positions(self, c: Any, positions: Mapping[str, int]) -> None:
        c.executemany(
            self.sql(
                f"INSERT INTO {self.tracking_table()} (application_name, notification_id) "
                "VALUES (?, ?) ON CONFLICT (application_name) DO UPDATE "
                "SET notification_id = excluded.notification_id"
            ),
            list(positions.items()),
        )

    def delete_owned(self, c: Any, suffix: str, column: str, keys: list[str]) -> None:
        """Delete the rows whose `column` is one of `keys` (SQLite: IN lists of ? marks)."""
        for chunk in chunks(keys):
            c.execute(
                self.sql(
                    f"DELETE FROM {self.table_name(suffix)} WHERE {column} IN ({marks(chunk)})"
                ),
                tuple(chunk),
            )

    def insert_rows(self, c: Any, suffix: str, rows: list[tuple[object, ...]]) -> None:
        if rows:
            c.executemany(
                self.sql(f"INSERT INTO {self.table_name(suffix)} VALUES ({marks(rows[0])})"), rows
            )

    def dump(self) -> dict[str, list[tuple[object, ...]]]:
        dumped: dict[str, list[tuple[object, ...]]] = {}
        with self.reading() as c:
            for suffix, key in (
                (STATES, ("key",)),
                *((table.suffix, table.key) for table in self.tables),
            ):
                found = self.select(
                    c, f"SELECT * FROM {self.table_name(suffix)} ORDER BY {', '.join(key)}"
                )
                dumped[suffix] = [tuple(record.values()) for record in found]
        return dumped

    def clear(self) -> None:
        with self.writing() as c:
            for suffix in (STATES, *(table.suffix for table in self.tables)):
                c.execute(self.sql(f"DELETE FROM {self.table_name(suffix)}"))
            c.execute(
                self.sql(f"DELETE FROM {self.tracking_table()} WHERE application_name <> ?"),
                ("__migration__",),
            )

    def positions(self, c: Any) -> dict[str, int]:
        """Every upstream application's position (the library's own marker left out)."""
        found = self.select(
            c,
            f"SELECT application_name, notification_id FROM {self.tracking_table()} "
            "WHERE application_name <> ?",
            ("__migration__",),
        )
        return {record["application_name"]: int(record["notification_id"]) for record in found}


def check_not_behind(kind: str, live: dict[str, int], rebuilt: dict[str, int]) -> None:
    for name, position in live.items():
        if rebuilt.get(name, 0) < position:
            raise RuntimeError(
                f"the rebuilt {kind} is at {rebuilt.get(name, 0)} of {name}, behind the live "
                f"view's {position}: it was not caught up, so it was not swapped in"
            )


def equal_to(values: Mapping[str, object | None]) -> tuple[list[str], list[object]]:
    """Conditions keeping the rows whose columns hold these values (a None one: any value)."""
    given = {column: value for column, value in values.items() if value is not None}
    return [f"{column} = ?" for column in given], list(given.values())


def within_days(
    column: str, first: date | None, last: date | None
) -> tuple[list[str], list[object]]:
    """Conditions keeping the rows whose moment `column` falls on the UTC days first..last."""
    where: list[str] = []
    params: list[object] = []
    if first is not None:
        where.append(f"{column} >= ?")
        params.append(start_of(first))
    if last is not None:
        where.append(f"{column} < ?")
        params.append(end_of(last))
    return where, params


def chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def marks(items: Collection[object]) -> str:
    return ", ".join("?" for _ in items)
