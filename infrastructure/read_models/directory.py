"""The directory of funding accounts and invoices, on SQLite and PostgreSQL.

The storage (view) of the read model application/read_models/directory.py (the same concept).
"""

from __future__ import annotations

from typing import Any

from application.read_models.directory import (
    DirectoryView,
    FundingAccountRow,
    InvoiceRow,
    InvoicesQuery,
)
from application.read_models.paging import Page
from infrastructure.read_models.postgres_read_model import PostgresReadModel
from infrastructure.read_models.sql_read_model import SqlReadModel, equal_to
from infrastructure.read_models.sqlite_read_model import SQLiteReadModel
from infrastructure.read_models.tables import Table


class DirectorySql(SqlReadModel, DirectoryView):
    kind = "directory"
    tables = (
        Table(
            "funding_accounts",
            FundingAccountRow,
            key=("funding_account_id",),
            indexes=(("company_id", "seq"),),
        ),
        Table(
            "invoices",
            InvoiceRow,
            key=("invoice_id",),
            indexes=(
                ("company_id", "seq"),
                ("company_id", "vendor_id", "seq"),
                ("company_id", "payment_status", "seq"),
            ),
        ),
    )

    def funding_accounts(
        self, company_id: str, cursor: str | None, limit: int
    ) -> Page[FundingAccountRow]:
        return self._page("funding_accounts", company_id, {}, cursor, limit)

    def invoices(
        self, company_id: str, query: InvoicesQuery, cursor: str | None, limit: int
    ) -> Page[InvoiceRow]:
        filters: dict[str, object | None] = {
            "vendor_id": query.vendor_id,
            "payment_status": query.payment_status,
            "erp_sync_status": query.erp_sync_status,
        }
        return self._page("invoices", company_id, filters, cursor, limit)

    def _page(
        self,
        table: str,
        company_id: str,
        filters: dict[str, object | None],
        cursor: str | None,
        limit: int,
    ) -> Page[Any]:
        where, params = equal_to({"company_id": company_id, **filters})
        return self.page_in_seq_order(table, where, params, cursor, limit)


class SQLiteDirectory(SQLiteReadModel, DirectorySql):
    pass


class PostgresDirectory(PostgresReadModel, DirectorySql):
    pass
