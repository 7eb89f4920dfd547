"""The payments report: disbursements and their invoice payments, by status, account, vendor, date.

The read model; stored by infrastructure/read_models/payments_overview.py (the same concept).

A payment's date is when its drawdown landed (`funded_at`); a date range therefore lists only
payments whose funding completed in it. Rows are listed in the order they were drafted.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from application.copying import copied
from application.read_models.disbursement_state import TOPICS, DisbursementState
from application.read_models.folding import FoldingProjection
from application.read_models.paging import Page
from application.read_models.read_model import ReadModel
from domain.disbursement import DisbursementStatus
from domain.invoice_payment import ExportStatus, PayoutStatus


@dataclass(frozen=True)
class PaymentsQuery:
    """Filters; None means any. `funded_from` and `funded_to` are inclusive UTC days."""

    status: DisbursementStatus | None = None
    funding_account_id: str | None = None
    vendor_name: str | None = None
    funded_from: date | None = None
    funded_to: date | None = None


@dataclass(frozen=True)
class DisbursementRow:
    seq: int
    company_id: str
    disbursement_id: str
    name: str
    status: DisbursementStatus
    funding_account_id: str
    payment_count: int
    total_amount: str
    drafted_by: str
    authorized_by: str | None
    cancel_reason: str | None
    funding_failure_reason: str | None
    drafted_at: str
    authorized_at: str | None
    funded_at: str | None
    updated_at: str


@dataclass(frozen=True)
class PaymentRow:
    seq: int
    company_id: str
    disbursement_id: str
    disbursement_name: str
    status: DisbursementStatus = field(metadata={"description": "the disbursement's status"})
    funding_account_id: str
    payment_id: str
    invoice_id: str
    invoice_number: str
    vendor_name: str
    amount: str
    check_number: int | None
    bank_id: str | None
    payout_status: PayoutStatus
    export_status: ExportStatus
    drafted_at: str
    authorized_at: str | None
    funded_at: str | None
    updated_at: str


class PaymentsOverviewView(ReadModel):
    @abstractmethod
    def payments(
        self, company_id: str, query: PaymentsQuery, cursor: str | None, limit: int
    ) -> Page[PaymentRow]:
        """Invoice payments passing every filter given."""

    @abstractmethod
    def disbursements(
        self, company_id: str, query: PaymentsQuery, cursor: str | None, limit: int
    ) -> Page[DisbursementRow]:
        """Disbursements passing the filters (a vendor: those paying that vendor)."""


class PaymentsOverview(FoldingProjection):
    name = "payments_overview"
    topics = TOPICS
    tables = ("disbursements", "payments")

    def rows_of(self, state: DisbursementState) -> dict[str, Sequence[object]]:
        return {
            "disbursements": [
                copied(
                    DisbursementRow,
                    state,
                    payment_count=len(state.payments),
                    total_amount=f"{state.total_amount:.2f}",
                )
            ],
            "payments": [
                copied(
                    PaymentRow,
                    payment,
                    state,
                    disbursement_name=state.name,
                    check_number=None if payment.check is None else payment.check.number,
                )
                for payment in state.payments
            ],
        }
