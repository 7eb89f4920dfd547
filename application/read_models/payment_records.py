"""The ERP Integrations tool: every payment record of a company by export status.

The read model; stored by infrastructure/read_models/payment_records.py (the same concept).
The commands that change records are application/payments/payment_record_commands.py.

A payment record is listed from the moment its disbursement's funding completed (before that
it is `not_ready` and not the ERP's business), in the order funding completed, and shows what
the aggregate shows: status, the last failure's reason, message and ERP code, the attempt.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from application.copying import copied
from application.read_models.disbursement_state import TOPICS, DisbursementState
from application.read_models.folding import FoldingProjection
from application.read_models.paging import Page
from application.read_models.payment_state import PaymentState, failure_columns
from application.read_models.read_model import ReadModel
from domain.export_failure import ExportFailureReason
from domain.invoice_payment import ExportStatus

# The statuses a listed record can be in (it is listed from funding on); the Failed to Export
# list first, since it is what the tool is for.
LISTED_STATUSES = (
    ExportStatus.FAILED_TO_EXPORT,
    *(s for s in ExportStatus if s not in (ExportStatus.NOT_READY, ExportStatus.FAILED_TO_EXPORT)),
)


@dataclass(frozen=True)
class PaymentRecord:
    seq: int
    company_id: str
    disbursement_id: str
    payment_id: str
    funding_account_id: str
    invoice_id: str
    vendor_name: str
    invoice_number: str
    amount: str
    check_number: int | None
    bank_id: str | None
    export_status: ExportStatus
    failure_reason: ExportFailureReason | None
    failure_message: str | None
    failure_erp_code: str | None
    erp_payment_ref: str | None
    erp_connector: str | None  # the ERP that holds the record (or was last asked)
    attempts: int
    retry_tries: int | None
    retry_message: str | None
    retry_next_try_at: str | None
    marked_by_hand: int  # 0/1
    funded_at: str | None
    exported_at: str | None
    updated_at: str


class PaymentRecordsView(ReadModel):
    @abstractmethod
    def page(
        self,
        company_id: str,
        status: ExportStatus | None,
        cursor: str | None,
        limit: int,
        search: str | None = None,
    ) -> Page[PaymentRecord]:
        """The company's records in `status` (None: all of them), in the order their funding
        completed; with `search`, only those whose vendor, invoice number or check number
        holds it (letters in any case), so a record is found wherever it is in the list."""


class PaymentRecords(FoldingProjection):
    name = "payment_records"
    topics = TOPICS
    tables = ("items",)

    def rows_of(self, state: DisbursementState) -> dict[str, Sequence[object]]:
        return {
            "items": [
                record_of(state, payment, payment.listed_seq)
                for payment in state.payments
                if payment.listed_seq is not None
            ]
        }


def record_of(state: DisbursementState, payment: PaymentState, listed_seq: int) -> PaymentRecord:
    reason, message, erp_code = failure_columns(payment.failure)
    return copied(
        PaymentRecord,
        payment,
        state,
        seq=listed_seq,
        check_number=None if payment.check is None else payment.check.number,
        failure_reason=reason,
        failure_message=message,
        failure_erp_code=erp_code,
        erp_connector=payment.connector,
        attempts=payment.attempt,
        retry_tries=None if payment.retry is None else payment.retry.tries,
        retry_message=None if payment.retry is None else payment.retry.message,
        retry_next_try_at=None if payment.retry is None else payment.retry.next_try_at,
        marked_by_hand=int(payment.marked_by_hand),
    )
