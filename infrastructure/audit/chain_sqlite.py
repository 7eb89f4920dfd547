"""The audit hash chain in SQLite (its own file beside the event store)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteTrackingRecorder

from application.audit.audit_chain import AuditChainStore, ChainLink

COLUMNS = "notification_id, originator_id, originator_version, payload_digest, link, key_id"


class SQLiteAuditChain(SQLiteTrackingRecorder, AuditChainStore):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS audit_chain ("
            "notification_id INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, payload_digest BLOB NOT NULL, "
            "link BLOB NOT NULL, key_id TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS audit_chain_identity "
            "ON audit_chain (originator_id, originator_version)",
            "CREATE INDEX IF NOT EXISTS audit_chain_payload ON audit_chain (payload_digest)",
        ]

    def append(self, links: Sequence[ChainLink], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._insert_tracking(c, tracking)
            for link in links:
                c.execute(
                    f"INSERT INTO audit_chain ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                    link.values(),
                )

    def head(self) -> ChainLink | None:
        return self._one("ORDER BY notification_id DESC LIMIT 1", ())

    def count(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT COUNT(*) FROM audit_chain")
            return int(c.fetchone()[0])

    def links(self, after: int, limit: int) -> list[ChainLink]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT {COLUMNS} FROM audit_chain WHERE notification_id > ? "
                "ORDER BY notification_id LIMIT ?",
                (after, limit),
            )
            return [ChainLink.from_row(row) for row in c.fetchall()]

    def link_at(self, notification_id: int) -> ChainLink | None:
        return self._one("WHERE notification_id = ?", (notification_id,))

    def link_of(self, originator_id: str, originator_version: int) -> ChainLink | None:
        return self._one(
            "WHERE originator_id = ? AND originator_version = ? LIMIT 1",
            (originator_id, originator_version),
        )

    def link_with_payload(self, digest: bytes, other_than: int) -> ChainLink | None:
        return self._one(
            "WHERE payload_digest = ? AND notification_id != ? LIMIT 1", (digest, other_than)
        )

    def _one(self, clause: str, params: tuple[Any, ...]) -> ChainLink | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT {COLUMNS} FROM audit_chain {clause}", params)
            row = c.fetchone()
            return None if row is None else ChainLink.from_row(row)
