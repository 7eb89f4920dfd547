"""Every read model by name: its projection, and its view on each store."""

from __future__ import annotations

from dataclasses import dataclass

from application.following import BatchProjection
from application.read_models.check_register import CheckRegister
from application.read_models.directory import Directory
from application.read_models.export_latency import ExportLatency
from application.read_models.payment_records import PaymentRecords
from application.read_models.payments_overview import PaymentsOverview
from application.read_models.read_model import ReadModel
from infrastructure.read_models.check_register import PostgresCheckRegister, SQLiteCheckRegister
from infrastructure.read_models.directory import PostgresDirectory, SQLiteDirectory
from infrastructure.read_models.export_latency import PostgresExportLatency, SQLiteExportLatency
from infrastructure.read_models.payment_records import (
    PostgresPaymentRecords,
    SQLitePaymentRecords,
)
from infrastructure.read_models.payments_overview import (
    PostgresPaymentsOverview,
    SQLitePaymentsOverview,
)
from infrastructure.read_models.postgres_read_model import PostgresReadModel
from infrastructure.read_models.sqlite_read_model import SQLiteReadModel
from infrastructure.settings import Settings
from infrastructure.store.views import open_view

SCRATCH_SUFFIX = "_rebuild"  # where a rebuild builds, beside the live view


@dataclass(frozen=True)
class ReadModelKind:
    name: str
    projection: type[BatchProjection]
    sqlite: type[SQLiteReadModel]
    postgres: type[PostgresReadModel]

    def open(self, settings: Settings, *, scratch: bool = False) -> ReadModel:
        name = self.name + SCRATCH_SUFFIX if scratch else self.name
        view: ReadModel = open_view(settings, name, self.sqlite, self.postgres)
        return view


READ_MODELS = {
    kind.name: kind
    for kind in (
        ReadModelKind(
            "payment_records", PaymentRecords, SQLitePaymentRecords, PostgresPaymentRecords
        ),
        ReadModelKind(
            "payments_overview", PaymentsOverview, SQLitePaymentsOverview, PostgresPaymentsOverview
        ),
        ReadModelKind("check_register", CheckRegister, SQLiteCheckRegister, PostgresCheckRegister),
        ReadModelKind("export_latency", ExportLatency, SQLiteExportLatency, PostgresExportLatency),
        ReadModelKind("directory", Directory, SQLiteDirectory, PostgresDirectory),
    )
}
