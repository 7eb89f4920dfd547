"""A tiny ERP behind the ErpConnector port, for the state machine: it answers as told.

Like QuickBooks Online it answers a repeated idempotency key with its first answer (when it
did the work), so the machine can check that no payment is ever booked twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from application.ports import (
    BillAnswer,
    BillToExport,
    Capabilities,
    ConnectorKind,
    ErpAccepted,
    ErpAnswer,
    ErpConnector,
    ErpRefused,
    Idempotency,
    PaymentRecordToExport,
)
from domain.export_failure import ExportFailureReason


@dataclass
class FakeErp:
    mode: str = "accept"  # accept | refuse | unavailable | lost_answer
    answers: dict[str, ErpAnswer] = field(default_factory=dict)
    payments: dict[str, PaymentRecordToExport] = field(default_factory=dict)
    bills: int = 0
    connector_name: str = "quickbooks_online"
    capabilities: Capabilities = field(
        default_factory=lambda: Capabilities(
            ConnectorKind.DIRECT, True, True, Idempotency.NATIVE_KEY
        )
    )

    def export_bill(self, bill: BillToExport) -> BillAnswer:
        self.bills += 1
        return ErpAccepted(f"bill-{bill.invoice_id}")

    def export_payment(self, record: PaymentRecordToExport) -> ErpAnswer:
        key = record.idempotency_key
        if key in self.answers:
            return self.answers[key]
        if self.mode == "unavailable":
            return ErpRefused(ExportFailureReason.ERP_UNAVAILABLE, "503", "503")
        if self.mode == "refuse":
            answer: ErpAnswer = ErpRefused(
                ExportFailureReason.CHECK_NUMBER_IN_USE, "Duplicate Document Number", "6140"
            )
        else:
            answer = ErpAccepted(f"erp-{len(self.payments) + 1}")
            self.payments[answer.erp_ref] = record
        self.answers[key] = answer
        if self.mode == "lost_answer" and isinstance(answer, ErpAccepted):
            # The ERP did the work; the answer never arrived.
            return ErpRefused(ExportFailureReason.ERP_UNAVAILABLE, "timed out", None)
        return answer


class FakeConnectors:
    """Every company's connector is the one fake ERP."""

    def __init__(self, erp: FakeErp) -> None:
        self.erp = erp

    def checked_connection(
        self, connector: str, connection: Mapping[str, object] | None, erp_base_url: str | None
    ) -> dict[str, str]:
        return {name: str(value) for name, value in (connection or {}).items()}

    def connector_for(self, connector: str, connection: Mapping[str, str]) -> ErpConnector:
        return self.erp
