"""Which connector speaks to a company's ERP: one per connector kind and ERP address.

Not the read model of the same name (application/projections/directory.py): a different
concept that a later rename should tell apart.
"""

from __future__ import annotations

import threading

import httpx

from application.ports import (
    BillToExport,
    ErpAnswer,
    ErpConnector,
    ErpRefused,
    PaymentRecordToExport,
)
from domain.export_failure import ExportFailureReason
from infrastructure.erp.quickbooks_online import QuickBooksOnlineConnector


class ConnectorNotAvailable:
    """No connector can be built from the settings: every record fails, saying why."""

    def __init__(self, connector_name: str, why: str) -> None:
        self.connector_name = connector_name
        self.why = why

    def _refuse(self) -> ErpAnswer:
        return ErpRefused(ExportFailureReason.ERP_REJECTED, self.why)

    def export_bill(self, bill: BillToExport) -> ErpAnswer:
        return self._refuse()

    def export_payment(self, record: PaymentRecordToExport) -> ErpAnswer:
        return self._refuse()


class ConnectorDirectory:
    """Connectors share one HTTP connection pool and are kept per (kind, address)."""

    def __init__(self, timeout_seconds: float = 5.0) -> None:
        self._client = httpx.Client(timeout=timeout_seconds)
        self._timeout = timeout_seconds
        self._connectors: dict[tuple[str, str | None], ErpConnector] = {}
        self._lock = threading.Lock()

    def connector_for(self, connector: str, erp_base_url: str | None) -> ErpConnector:
        key = (connector, erp_base_url)
        with self._lock:
            if key not in self._connectors:
                self._connectors[key] = self._build(connector, erp_base_url)
            return self._connectors[key]

    def _build(self, connector: str, erp_base_url: str | None) -> ErpConnector:
        if connector != "quickbooks_online":
            why = f"the {connector} connector is not available yet in this paysync"
            return ConnectorNotAvailable(connector, why)
        if not erp_base_url:
            why = "the company's ERP settings have no erp_base_url: set it, then export again"
            return ConnectorNotAvailable(connector, why)
        return QuickBooksOnlineConnector(
            base_url=erp_base_url, timeout=self._timeout, client=self._client
        )

    def close(self) -> None:
        self._client.close()
