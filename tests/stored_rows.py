"""Tampering with the stored history directly in the database, as an attacker with write
access to it (but not the signing key) could: SQLite's `stored_events` by rowid, PostgreSQL's
`payments_events` by notification_id."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg

from infrastructure.settings import Settings
from infrastructure.store.event_store import SQLITE_FILE_NAME
from tests.stores import POSTGRES_URL

FAR = 1_000_000  # an id offset no test store reaches


class StoredRows:
    """Edits event rows by notification id, each edit committed at once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if settings.database_url:
            schema = parse_qs(urlsplit(settings.database_url).query)["schema"][0]
            self.table = f'"{schema}".payments_events'
            self.chain_table = f'"{schema}".audit_chain_tracking_links'
            self.tracking_table = f'"{schema}".audit_chain_tracking'
            self.id, self.mark = "notification_id", "%s"
        else:
            self.table, self.chain_table, self.tracking_table = (
                "stored_events",
                "audit_chain",
                "tracking",
            )
            self.id, self.mark = "rowid", "?"

    # --- the attacks ----------------------------------------------------------------------------
    def alter(self, notification_id: int, actor: str = "mallory") -> None:
        """Rewrite who did it: the event still decodes, and says something else."""
        state = self.row(notification_id)["state"]
        forged = re.sub(rb'"actor":"[^"]*"', f'"actor":"{actor}"'.encode(), state)
        assert forged != state
        self.run(
            (f"UPDATE {self.table} SET state = ? WHERE {self.id} = ?", (forged, notification_id))
        )

    def delete(self, notification_id: int) -> None:
        self.run((f"DELETE FROM {self.table} WHERE {self.id} = ?", (notification_id,)))

    def swap_payloads(self, a: int, b: int) -> None:
        """Each row keeps its identity and position but says what the other one said."""
        row_a, row_b = self.row(a), self.row(b)
        update = f"UPDATE {self.table} SET topic = ?, state = ? WHERE {self.id} = ?"
        self.run(
            (update, (row_b["topic"], row_b["state"], a)),
            (update, (row_a["topic"], row_a["state"], b)),
        )

    def swap_positions(self, a: int, b: int) -> None:
        """The two events trade notification ids (rowids on SQLite)."""
        move = f"UPDATE {self.table} SET {self.id} = ? WHERE {self.id} = ?"
        self.run((move, (FAR, a)), (move, (a, b)), (move, (b, FAR)))

    def insert_before(self, notification_id: int) -> None:
        """Shift this event and every later one up by one id, and slip a forged event in."""
        source = self.row(notification_id)
        forged_id: Any = uuid.uuid4() if self.settings.database_url else uuid.uuid4().hex
        shift = f"UPDATE {self.table} SET {self.id} = {self.id} + ? WHERE {self.id} >= ?"
        self.run(
            (shift, (FAR, notification_id)),  # in two steps, so no two rows share an id
            (shift, (1 - FAR, FAR)),
            (
                f"INSERT INTO {self.table} ({self.id}, originator_id, originator_version, "
                "topic, state) VALUES (?, ?, 1, ?, ?)",
                (notification_id, forged_id, source["topic"], source["state"]),
            ),
        )

    def cut_off_from(self, notification_id: int) -> None:
        """Remove the newest events and their links, and wind the chain's position back."""
        self.run((f"DELETE FROM {self.table} WHERE {self.id} >= ?", (notification_id,)))
        self.run(
            (f"DELETE FROM {self.chain_table} WHERE notification_id >= ?", (notification_id,)),
            (
                f"UPDATE {self.tracking_table} SET notification_id = ? "
                "WHERE application_name = 'Payments'",
                (notification_id - 1,),
            ),
            chain=True,
        )

    def forge_link(self, notification_id: int, payload_digest: bytes, link: bytes) -> None:
        """Overwrite the chain's record of one event."""
        self.run(
            (
                f"UPDATE {self.chain_table} SET payload_digest = ?, link = ? "
                "WHERE notification_id = ?",
                (payload_digest, link, notification_id),
            ),
            chain=True,
        )

    # --- reading and writing ----------------------------------------------------------------
    def ids(self) -> list[int]:
        with self._connect(chain=False) as conn:
            rows = conn.execute(f"SELECT {self.id} FROM {self.table} ORDER BY {self.id}")
            return [int(row[0]) for row in rows.fetchall()]

    def row(self, notification_id: int) -> dict[str, Any]:
        with self._connect(chain=False) as conn:
            found = conn.execute(
                f"SELECT topic, state FROM {self.table} WHERE {self.id} = {self.mark}",
                (notification_id,),
            ).fetchone()
        assert found is not None, f"no stored event {notification_id}"
        return {"topic": found[0], "state": bytes(found[1])}

    def run(self, *steps: tuple[str, tuple[Any, ...]], chain: bool = False) -> None:
        """Each (SQL with ? marks, parameters), in one transaction."""
        with self._connect(chain) as conn:
            for sql, params in steps:
                conn.execute(sql.replace("?", self.mark), params)
            conn.commit()

    @contextmanager
    def _connect(self, chain: bool) -> Iterator[Any]:
        if self.settings.database_url:
            with psycopg.connect(POSTGRES_URL) as conn:
                yield conn
            return
        name = "view_audit_chain.sqlite3" if chain else SQLITE_FILE_NAME
        with closing(sqlite3.connect(self.settings.data_dir / name)) as conn:
            yield conn
