"""The audit hash chain in PostgreSQL, beside the events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Composable, Identifier

from application.audit.audit_chain import AuditChainStore, ChainLink

COLUMNS = SQL("notification_id, originator_id, originator_version, payload_digest, link, key_id")


class PostgresAuditChain(PostgresTrackingRecorder, AuditChainStore):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        name = f"{self.tracking_table_name}_links"
        self.check_identifier_length(name)
        self.links_table = SQL("{0}.{1}").format(Identifier(datastore.schema), Identifier(name))
        self.sql_create_statements += [
            SQL(
                "CREATE TABLE IF NOT EXISTS {0} ("
                "notification_id bigint PRIMARY KEY, originator_id text NOT NULL, "
                "originator_version bigint NOT NULL, payload_digest bytea NOT NULL, "
                "link bytea NOT NULL, key_id text NOT NULL)"
            ).format(self.links_table),
            SQL("CREATE INDEX IF NOT EXISTS {0} ON {1} (originator_id, originator_version)").format(
                Identifier(f"{name}_identity"), self.links_table
            ),
            SQL("CREATE INDEX IF NOT EXISTS {0} ON {1} (payload_digest)").format(
                Identifier(f"{name}_payload"), self.links_table
            ),
        ]

    def append(self, links: Sequence[ChainLink], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.executemany(
                SQL("INSERT INTO {0} ({1}) VALUES (%s, %s, %s, %s, %s, %s)").format(
                    self.links_table, COLUMNS
                ),
                [link.values() for link in links],
            )

    def head(self) -> ChainLink | None:
        return self._one(SQL("ORDER BY notification_id DESC LIMIT 1"), ())

    def count(self) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT COUNT(*) AS n FROM {0}").format(self.links_table))
            row = curs.fetchone()
            return 0 if row is None else int(row["n"])

    def links(self, after: int, limit: int) -> list[ChainLink]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT {1} FROM {0} WHERE notification_id > %s "
                    "ORDER BY notification_id LIMIT %s"
                ).format(self.links_table, COLUMNS),
                (after, limit),
            )
            return [ChainLink.from_row(row) for row in curs.fetchall()]

    def link_at(self, notification_id: int) -> ChainLink | None:
        return self._one(SQL("WHERE notification_id = %s"), (notification_id,))

    def link_of(self, originator_id: str, originator_version: int) -> ChainLink | None:
        return self._one(
            SQL("WHERE originator_id = %s AND originator_version = %s LIMIT 1"),
            (originator_id, originator_version),
        )

    def link_with_payload(self, digest: bytes, other_than: int) -> ChainLink | None:
        return self._one(
            SQL("WHERE payload_digest = %s AND notification_id <> %s LIMIT 1"),
            (digest, other_than),
        )

    def _one(self, clause: Composable, params: tuple[Any, ...]) -> ChainLink | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT {1} FROM {0} ").format(self.links_table, COLUMNS) + clause, params
            )
            row = curs.fetchone()
            return None if row is None else ChainLink.from_row(row)
