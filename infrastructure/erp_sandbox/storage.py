"""The sandbox ERP's own storage: one SQLite file in its data folder, kept across restarts.

uvicorn runs handlers on several threads, so one connection is shared under a lock and every
change runs in a transaction. `transaction()` nests: an ERP request that looks things up,
refuses or writes, and keeps its answer for its request id, does all of it atomically.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from infrastructure.erp_sandbox.faults import Fault, FaultMode, FaultRate
from infrastructure.erp_sandbox.records import Answer, Bill, Payment, PaymentLine
from infrastructure.erp_sandbox.schema import SCHEMA, WIPED_BY_RESET

DATABASE_FILE_NAME = "erp_sandbox.sqlite3"


class SandboxStore:
    """Everything the sandbox ERP holds, for every connector's routes."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly by `transaction()`.
        self._db = sqlite3.connect(
            data_dir / DATABASE_FILE_NAME, check_same_thread=False, isolation_level=None
        )
        self._db.row_factory = sqlite3.Row
        # A real ERP takes many requests at once; a journal fsync per request (~15 ms here)
        # would make the sandbox, not paysync, what the latency benchmark measures. WAL with
        # NORMAL sync still survives a process crash, which is what its tests restart.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.RLock()
        self._depth = 0
        self._db.executescript(SCHEMA)
        # Kept in memory: a random fault rate is a test's setting for the life of the process.
        self.fault_rate: FaultRate | None = None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All that runs inside is seen by other requests at once or not at all."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self._db
            except BaseException:
                if outermost:
                    self._db.execute("ROLLBACK")
                raise
            else:
                if outermost:
                    self._db.execute("COMMIT")
            finally:
                self._depth -= 1

    def answer_once(
        self, connector: str, scope: str, request_id: str, work: Callable[[], Answer]
    ) -> Answer:
        """The first answer given to this request id, doing the work only the first time.

        Lookup, work and keeping the answer share one transaction, so two identical requests
        arriving together still do the work once.
        """
        with self.transaction() as db:
            row = db.execute(
                "SELECT status, body FROM answers"
                " WHERE connector = ? AND scope = ? AND request_id = ?",
                (connector, scope, request_id),
            ).fetchone()
            if row is not None:
                return Answer(status=row["status"], body=json.loads(row["body"]))
            answer = work()
            db.execute(
                "INSERT INTO answers (connector, scope, request_id, status, body)"
                " VALUES (?, ?, ?, ?, ?)",
                (connector, scope, request_id, answer.status, json.dumps(answer.body)),
            )
            return answer

    def next_ref(self, connector: str) -> str:
        """A new id for a record of this connector, never handed out before in this store."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO sequences (name, value) VALUES (?, 1)"
                " ON CONFLICT (name) DO UPDATE SET value = value + 1",
                (connector,),
            )
            row = db.execute("SELECT value FROM sequences WHERE name = ?", (connector,))
            return str(row.fetchone()["value"])

    def add_bank_account(self, bank_id: str) -> None:
        self._add_once("bank_accounts", bank_id)

    def has_bank_account(self, bank_id: str) -> bool:
        return self._holds("bank_accounts", bank_id=bank_id)

    def add_vendor(self, erp_vendor_id: str) -> None:
        self._add_once("vendors", erp_vendor_id)

    def has_vendor(self, erp_vendor_id: str) -> bool:
        return self._holds("vendors", erp_vendor_id=erp_vendor_id)

    def add_check(self, bank_id: str, check_number: str) -> None:
        """A check keyed into the ERP by hand, outside any connector."""
        self._add_once("checks", bank_id, check_number)

    def has_check(self, bank_id: str, check_number: str) -> bool:
        return self._holds("checks", bank_id=bank_id, check_number=check_number)

    def _add_once(self, table: str, *key: str) -> None:
        """A row of the keys-only table, unless it is there already."""
        places = ", ".join("?" for _ in key)
        insert = f"INSERT OR IGNORE INTO {table} VALUES ({places})"  # noqa: S608 - fixed tables
        with self.transaction() as db:
            db.execute(insert, key)

    def _holds(self, table: str, **key: str) -> bool:
        where, params = _filters(**key)
        with self.transaction() as db:
            row = db.execute(f"SELECT 1 FROM {table}{where}", params)  # noqa: S608 - fixed tables
            return row.fetchone() is not None

    def checks(self, bank_id: str) -> list[str]:
        """The check numbers keyed into the ERP by hand on the bank account."""
        with self.transaction() as db:
            rows = db.execute("SELECT check_number FROM checks WHERE bank_id = ?", (bank_id,))
            return [row["check_number"] for row in rows.fetchall()]

    def every_check(self) -> list[tuple[int, str, str]]:
        """Every check keyed into the ERP by hand, in the order keyed: (rowid, bank, number)."""
        with self.transaction() as db:
            rows = db.execute("SELECT rowid, bank_id, check_number FROM checks ORDER BY rowid")
            return [(row["rowid"], row["bank_id"], row["check_number"]) for row in rows.fetchall()]

    def add_bill(self, bill: Bill) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO bills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    bill.connector, bill.erp_ref, bill.doc_number, bill.erp_vendor_id,
                    str(bill.amount), str(bill.balance), bill.txn_date, bill.private_note,
                    bill.created_at, json.dumps(bill.document),
                ),
            )  # fmt: skip

    def bills(
        self,
        connector: str | None = None,
        erp_ref: str | None = None,
        doc_number: str | None = None,
    ) -> list[Bill]:
        where, params = _filters(connector=connector, erp_ref=erp_ref, doc_number=doc_number)
        with self.transaction() as db:
            rows = db.execute(f"SELECT * FROM bills{where} ORDER BY rowid", params)  # noqa: S608
            return [_bill(row) for row in rows.fetchall()]

    def add_payment(self, payment: Payment) -> None:
        """Holds the payment and takes each of its lines off the open balance of its bill."""
        lines = [{"bill_ref": line.bill_ref, "amount": str(line.amount)} for line in payment.lines]
        with self.transaction() as db:
            db.execute(
                "INSERT INTO payments (connector, erp_ref, check_number, bank_id,"
                " erp_vendor_id, amount, lines, txn_date, private_note, created_at, document)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    payment.connector, payment.erp_ref, payment.check_number, payment.bank_id,
                    payment.erp_vendor_id, str(payment.amount), json.dumps(lines),
                    payment.txn_date, payment.private_note, payment.created_at,
                    json.dumps(payment.document),
                ),
            )  # fmt: skip
            for line in payment.lines:
                (bill,) = self.bills(connector=payment.connector, erp_ref=line.bill_ref)
                db.execute(
                    "UPDATE bills SET balance = ? WHERE connector = ? AND erp_ref = ?",
                    (str(bill.balance - line.amount), bill.connector, bill.erp_ref),
                )

    def replace_payment(self, payment: Payment) -> None:
        """The record as someone edited it in the ERP afterwards (the bills are left alone)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE payments SET check_number = ?, bank_id = ?, amount = ?, document = ?"
                " WHERE connector = ? AND erp_ref = ?",
                (
                    payment.check_number, payment.bank_id, str(payment.amount),
                    json.dumps(payment.document), payment.connector, payment.erp_ref,
                ),
            )  # fmt: skip

    def delete_payment(self, connector: str, erp_ref: str) -> bool:
        """Someone deleted the record in the ERP; whether there was one."""
        with self.transaction() as db:
            deleted = db.execute(
                "DELETE FROM payments WHERE connector = ? AND erp_ref = ?", (connector, erp_ref)
            )
            return deleted.rowcount > 0

    def payments(
        self,
        connector: str | None = None,
        erp_ref: str | None = None,
        bank_id: str | None = None,
        check_number: str | None = None,
        private_note: str | None = None,
    ) -> list[Payment]:
        where, params = _filters(
            connector=connector,
            erp_ref=erp_ref,
            bank_id=bank_id,
            check_number=check_number,
            private_note=private_note,
        )
        with self.transaction() as db:
            rows = db.execute(f"SELECT * FROM payments{where} ORDER BY seq", params)  # noqa: S608
            return [_payment(row) for row in rows.fetchall()]

    def payments_paid(self, connector: str, paid_from: str, paid_to: str) -> list[Payment]:
        """The connector's payment records dated within the period (ISO dates, both included)."""
        with self.transaction() as db:
            rows = db.execute(
                "SELECT * FROM payments WHERE connector = ? AND txn_date >= ? AND txn_date <= ?"
                " ORDER BY seq",
                (connector, paid_from, paid_to),
            )
            return [_payment(row) for row in rows.fetchall()]

    def payment_count(self) -> int:
        with self.transaction() as db:
            return int(db.execute("SELECT count(*) FROM payments").fetchone()[0])

    def add_fault(self, fault: Fault) -> None:
        """Queues the fault behind any still pending: faults are used up in the order given."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO faults (mode, remaining, delay_seconds) VALUES (?, ?, ?)",
                (fault.mode.value, fault.remaining, fault.delay_seconds),
            )

    def pending_faults(self) -> list[Fault]:
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM faults WHERE remaining > 0 ORDER BY id")
            return [_fault(row) for row in rows.fetchall()]

    def clear_faults(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM faults")

    def receive_erp_request(self, path: str) -> Fault | None:
        """Counts an ERP-shaped request and hands it the fault it must suffer, if any."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO requests_seen (path, count) VALUES (?, 1)"
                " ON CONFLICT (path) DO UPDATE SET count = count + 1",
                (path,),
            )
            row = db.execute("SELECT * FROM faults WHERE remaining > 0 ORDER BY id").fetchone()
            if row is None:
                return None if self.fault_rate is None else self.fault_rate.deal()
            db.execute("UPDATE faults SET remaining = remaining - 1 WHERE id = ?", (row["id"],))
            db.execute("DELETE FROM faults WHERE remaining <= 0")
            return _fault(row)

    def request_counts(self) -> dict[str, int]:
        with self.transaction() as db:
            rows = db.execute("SELECT path, count FROM requests_seen ORDER BY path")
            return {row["path"]: row["count"] for row in rows.fetchall()}

    def reset(self) -> None:
        """Forgets everything the ERP holds, the answers it gave and the faults pending."""
        with self.transaction() as db:
            self.fault_rate = None
            for table in WIPED_BY_RESET:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


def _filters(**columns: str | None) -> tuple[str, tuple[str, ...]]:
    wanted = {column: value for column, value in columns.items() if value is not None}
    if not wanted:
        return "", ()
    return " WHERE " + " AND ".join(f"{column} = ?" for column in wanted), tuple(wanted.values())


def _bill(row: sqlite3.Row) -> Bill:
    return Bill(**_record(row), doc_number=row["doc_number"], balance=Decimal(row["balance"]))


def _payment(row: sqlite3.Row) -> Payment:
    lines = tuple(
        PaymentLine(bill_ref=line["bill_ref"], amount=Decimal(line["amount"]))
        for line in json.loads(row["lines"])
    )
    return Payment(
        **_record(row), check_number=row["check_number"], bank_id=row["bank_id"], lines=lines
    )


def _record(row: sqlite3.Row) -> dict[str, Any]:
    """The columns of a `Record`, which bills and payments share."""
    return {
        "connector": row["connector"],
        "erp_ref": row["erp_ref"],
        "erp_vendor_id": row["erp_vendor_id"],
        "amount": Decimal(row["amount"]),
        "txn_date": row["txn_date"],
        "private_note": row["private_note"],
        "created_at": row["created_at"],
        "document": json.loads(row["document"]),
    }


def _fault(row: sqlite3.Row) -> Fault:
    return Fault(
        mode=FaultMode(row["mode"]),
        remaining=row["remaining"],
        delay_seconds=row["delay_seconds"],
    )
