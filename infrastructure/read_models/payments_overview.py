"""The payments report's disbursements and invoice payments, on SQLite and PostgreSQL.

The storage (view) of the read model application/read_models/payments_overview.py.
"""

from __future__ import annotations

from application.read_models.paging import Page
from application.read_models.payments_overview import (
    DisbursementRow,
    PaymentRow,
    PaymentsOverviewView,
    PaymentsQuery,
)
from infrastructure.read_models.postgres_read_model import PostgresReadModel
from infrastructure.read_models.sql_read_model import SqlReadModel, equal_to, within_days
from infrastructure.read_models.sqlite_read_model import SQLiteReadModel
from infrastructure.read_models.tables import Table


class PaymentsOverviewSql(SqlReadModel, PaymentsOverviewView):
    kind = "payments_overview"
    tables = (
        Table(
            "disbursements",
            DisbursementRow,
            key=("disbursement_id",),
            indexes=(("company_id", "seq"), ("company_id", "status", "seq")),
        ),
        Table(
            "payments",
            PaymentRow,
            key=("payment_id",),
            indexes=(
                ("company_id", "seq"),
                ("company_id", "status", "seq"),
                ("company_id", "vendor_name", "seq"),
                ("company_id", "funding_account_id", "seq"),
            ),
        ),
    )

    def payments(
        self, company_id: str, query: PaymentsQuery, cursor: str | None, limit: int
    ) -> Page[PaymentRow]:
        where, params = conditions(company_id, query)
        if query.vendor_name is not None:
            where.append("vendor_name = ?")
            params.append(query.vendor_name)
        return self.page_in_seq_order("payments", where, params, cursor, limit)

    def disbursements(
        self, company_id: str, query: PaymentsQuery, cursor: str | None, limit: int
    ) -> Page[DisbursementRow]:
        where, params = conditions(company_id, query)
        if query.vendor_name is not None:
            where.append(
                f"disbursement_id IN (SELECT disbursement_id FROM {self.table_name('payments')} "
                "WHERE company_id = ? AND vendor_name = ?)"
            )
            params += [company_id, query.vendor_name]
        return self.page_in_seq_order("disbursements", where, params, cursor, limit)


def conditions(company_id: str, query: PaymentsQuery) -> tuple[list[str], list[object]]:
    """The filters both tables share (their columns have the same names)."""
    where, params = equal_to(
        {
            "company_id": company_id,
            "status": query.status,
            "funding_account_id": query.funding_account_id,
        }
    )
    day_where, day_params = within_days("funded_at", query.funded_from, query.funded_to)
    return where + day_where, params + day_params


class SQLitePaymentsOverview(SQLiteReadModel, PaymentsOverviewSql):
    pass


class PostgresPaymentsOverview(PostgresReadModel, PaymentsOverviewSql):
    pass
