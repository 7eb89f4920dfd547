"""The ERP Integrations tool's payment records, on SQLite and PostgreSQL.

The storage (view) of the read model application/read_models/payment_records.py.
"""

from __future__ import annotations

from application.read_models.paging import Page
from application.read_models.payment_records import (
    PaymentRecord,
    PaymentRecordsView,
)
from domain.invoice_payment import ExportStatus
from infrastructure.read_models.postgres_read_model import PostgresReadModel
from infrastructure.read_models.sql_read_model import SqlReadModel, equal_to
from infrastructure.read_models.sqlite_read_model import SQLiteReadModel
from infrastructure.read_models.tables import Table

# The same statement on both stores: LIKE with an escape character of its own, the column
# and the pattern both in lower case (SQLite's LIKE ignores ASCII case, PostgreSQL's does
# not; SQLite's LOWER folds only ASCII letters, so "É" matches "é" on PostgreSQL only).
MATCHES = (
    "(LOWER(vendor_name) LIKE ? ESCAPE '\\' OR LOWER(invoice_number) LIKE ? ESCAPE '\\' "
    "OR CAST(check_number AS TEXT) LIKE ? ESCAPE '\\')"
)


def contains(search: str) -> str:
    """A LIKE pattern for `search` anywhere, its own % _ and \\ taken as themselves."""
    escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class PaymentRecordsSql(SqlReadModel, PaymentRecordsView):
    kind = "payment_records"
    tables = (
        Table(
            "items",
            PaymentRecord,
            key=("payment_id",),
            indexes=(("company_id", "seq"), ("company_id", "export_status", "seq")),
        ),
    )

    def page(
        self,
        company_id: str,
        status: ExportStatus | None,
        cursor: str | None,
        limit: int,
        search: str | None = None,
    ) -> Page[PaymentRecord]:
        where, params = equal_to({"company_id": company_id, "export_status": status})
        if search:
            where.append(MATCHES)
            params += [contains(search)] * 3
        return self.page_in_seq_order("items", where, params, cursor, limit)


class SQLitePaymentRecords(SQLiteReadModel, PaymentRecordsSql):
    pass


class PostgresPaymentRecords(PostgresReadModel, PaymentRecordsSql):
    pass
