"""The ERP Integrations tool's payment records, on SQLite and PostgreSQL.

The storage (view) of the read model application/projections/payment_records.py.
"""

from __future__ import annotations

from application.projections.paging import Page
from application.projections.payment_records import (
    PaymentRecord,
    PaymentRecordsView,
)
from domain.invoice_payment import ExportStatus
from infrastructure.read_models.postgres_read_model import PostgresReadModel
from infrastructure.read_models.sql_read_model import SqlReadModel
from infrastructure.read_models.sqlite_read_model import SQLiteReadModel
from infrastructure.read_models.tables import Table


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
        self, company_id: str, status: ExportStatus | None, cursor: str | None, limit: int
    ) -> Page[PaymentRecord]:
        where: list[str] = ["company_id = ?"]
        params: list[object] = [company_id]
        if status is not None:
            where.append("export_status = ?")
            params.append(status.value)
        return self.page_in_seq_order("items", where, params, cursor, limit)


class SQLitePaymentRecords(SQLiteReadModel, PaymentRecordsSql):
    pass


class PostgresPaymentRecords(PostgresReadModel, PaymentRecordsSql):
    pass
