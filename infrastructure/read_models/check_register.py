"""The funding accounts' check registers, on SQLite and PostgreSQL.

The storage (view) of the read model application/read_models/check_register.py; the same
concept over HTTP is interfaces/api/routes/check_register.py.
"""

from __future__ import annotations

from application.read_models.check_register import (
    AccountRow,
    CheckRegisterView,
    CheckRow,
    Gap,
    SkipRow,
)
from infrastructure.read_models.postgres_read_model import PostgresReadModel
from infrastructure.read_models.sql_read_model import SqlReadModel
from infrastructure.read_models.sqlite_read_model import SQLiteReadModel
from infrastructure.read_models.tables import Table

ACCOUNT = "company_id = ? AND funding_account_id = ?"


class CheckRegisterSql(SqlReadModel, CheckRegisterView):
    kind = "check_register"
    tables = (
        Table("accounts", AccountRow, key=("funding_account_id",)),
        Table("skips", SkipRow, key=("funding_account_id", "first")),
        Table("checks", CheckRow, key=("funding_account_id", "check_number", "seq")),
    )

    def account(self, company_id: str, account_id: str) -> AccountRow | None:
        found = self.rows(
            "accounts", f"SELECT * FROM {{t}} WHERE {ACCOUNT}", [company_id, account_id]
        )
        return found[0] if found else None

    def checks(
        self, company_id: str, account_id: str, after: tuple[int, ...] | None, limit: int
    ) -> list[CheckRow]:
        where: list[str] = [ACCOUNT]
        params: list[object] = [company_id, account_id]
        if after is not None:
            where.append("(check_number, seq) > (?, ?)")
            params += [after[0], after[1]]
        return self.rows(
            "checks",
            f"SELECT * FROM {{t}} WHERE {' AND '.join(where)} ORDER BY check_number, seq LIMIT ?",
            [*params, limit],
        )

    def gaps(self, company_id: str, account_id: str, limit: int) -> list[Gap]:
        with self.reading() as c:
            found = self.select(
                c,
                "SELECT previous + 1 AS first, check_number - 1 AS last FROM ("
                "SELECT check_number, LAG(check_number) OVER (ORDER BY check_number) AS previous "
                f"FROM (SELECT DISTINCT check_number FROM {self.table_name('checks')} "
                f"WHERE {ACCOUNT}) AS used) AS neighbours "
                "WHERE check_number - previous > 1 ORDER BY check_number LIMIT ?",
                (company_id, account_id, limit),
            )
        return [Gap(int(record["first"]), int(record["last"])) for record in found]

    def skips(self, company_id: str, account_id: str) -> list[SkipRow]:
        return self.rows(
            "skips", f"SELECT * FROM {{t}} WHERE {ACCOUNT} ORDER BY first", [company_id, account_id]
        )

    def duplicates(self, company_id: str, account_id: str, limit: int) -> list[int]:
        with self.reading() as c:
            found = self.select(
                c,
                f"SELECT check_number FROM {self.table_name('checks')} WHERE {ACCOUNT} "
                "GROUP BY check_number HAVING COUNT(*) > 1 ORDER BY check_number LIMIT ?",
                (company_id, account_id, limit),
            )
        return [int(record["check_number"]) for record in found]


class SQLiteCheckRegister(SQLiteReadModel, CheckRegisterSql):
    pass


class PostgresCheckRegister(PostgresReadModel, CheckRegisterSql):
    pass
