"""Export latencies per company and connector, on SQLite and PostgreSQL.

The storage (view) of the read model application/read_models/export_latency.py.
"""

from __future__ import annotations

from application.read_models.export_latency import ExportLatencyView, ExportTiming, LatencyQuery
from infrastructure.read_models.postgres_read_model import PostgresReadModel
from infrastructure.read_models.sql_read_model import SqlReadModel, equal_to, within_days
from infrastructure.read_models.sqlite_read_model import SQLiteReadModel
from infrastructure.read_models.tables import Table


class ExportLatencySql(SqlReadModel, ExportLatencyView):
    kind = "export_latency"
    tables = (
        Table(
            "exports",
            ExportTiming,
            key=("payment_id", "measure"),
            indexes=(("company_id", "measure", "connector", "latency_ms"), ("company_id", "seq")),
        ),
    )

    def latencies(self, company_id: str, query: LatencyQuery) -> dict[tuple[str, str], list[int]]:
        where, params = conditions(company_id, query)
        with self.reading() as c:
            found = self.select(
                c,
                f"SELECT measure, connector, latency_ms FROM {self.table_name('exports')} "
                f"WHERE {' AND '.join(where)} ORDER BY measure, connector, latency_ms",
                params,
            )
        latencies: dict[tuple[str, str], list[int]] = {}
        for record in found:
            key = (record["measure"], record["connector"])
            latencies.setdefault(key, []).append(int(record["latency_ms"]))
        return latencies

    def slow(
        self,
        company_id: str,
        query: LatencyQuery,
        over_ms: int,
        after: tuple[int, ...] | None,
        limit: int,
    ) -> list[ExportTiming]:
        where, params = conditions(company_id, query)
        where.append("latency_ms > ?")
        params.append(over_ms)
        return self.in_seq_order("exports", where, params, after, limit)


def conditions(company_id: str, query: LatencyQuery) -> tuple[list[str], list[object]]:
    where, params = equal_to({"company_id": company_id, "connector": query.connector})
    day_where, day_params = within_days("funding_completed_at", query.funded_from, query.funded_to)
    return where + day_where, params + day_params


class SQLiteExportLatency(SQLiteReadModel, ExportLatencySql):
    pass


class PostgresExportLatency(PostgresReadModel, ExportLatencySql):
    pass
