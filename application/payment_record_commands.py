"""The payment-record export's commands: outcomes from the ERP, and the approver's fixes.

Writes to the records; the list of them that people read is a read model, in
application/projections/payment_records.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.company_scoped import CompanyScopedApplication
from application.conflicts import retry_on_conflict
from application.ports import ErpAccepted, ErpRefused
from application.queries import DisbursementSnapshot, ExportCandidate, ExportOutcome
from domain.check_numbers import CheckNumber
from domain.disbursement import Disbursement
from domain.errors import ExportNotPending
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice import Invoice
from domain.text import BankId


class PaymentRecordCommands(CompanyScopedApplication):
    def record_export_succeeded(
        self,
        company_id: str,
        disbursement_id: UUID,
        payment_id: UUID,
        *,
        attempt: int,
        erp_payment_ref: str,
        marked_for_check_run: bool,
        actor: str,
    ) -> None:
        answer = ErpAccepted(erp_payment_ref, marked_for_check_run)
        self._record_one(
            company_id, disbursement_id, ExportOutcome(payment_id, attempt, answer), actor
        )

    def record_export_failed(
        self,
        company_id: str,
        disbursement_id: UUID,
        payment_id: UUID,
        *,
        attempt: int,
        reason: ExportFailureReason,
        message: str,
        erp_code: str | None,
        actor: str,
    ) -> None:
        answer = ErpRefused(reason, message, erp_code)
        self._record_one(
            company_id, disbursement_id, ExportOutcome(payment_id, attempt, answer), actor
        )

    def _record_one(
        self, company_id: str, disbursement_id: UUID, outcome: ExportOutcome, actor: str
    ) -> None:
        if not self.record_export_outcomes(company_id, disbursement_id, [outcome], actor):
            raise ExportNotPending(
                f"attempt {outcome.attempt} of {outcome.payment_id} is not pending"
            )

    @retry_on_conflict
    def record_export_outcomes(
        self,
        company_id: str,
        disbursement_id: UUID,
        outcomes: Sequence[ExportOutcome],
        actor: str,
    ) -> list[ExportOutcome]:
        """Record what the ERP answered for several payments of one disbursement, in one save.

        Outcomes whose attempt is no longer pending (another worker recorded it first) are
        left out; the ones recorded are returned.
        """
        # Outcomes of one disbursement arrive together: queue on a lock, do not collide.
        with self.hot.holding(disbursement_id):
            disbursement = self._get(Disbursement, company_id, disbursement_id)
            recorded = []
            for outcome in outcomes:
                try:
                    outcome.record_on(disbursement, actor)
                except ExportNotPending:
                    continue
                recorded.append(outcome)
            self.save(disbursement)
            return recorded

    @retry_on_conflict
    def edit_failed_payment(
        self,
        company_id: str,
        disbursement_id: UUID,
        payment_id: UUID,
        *,
        actor: str,
        check_number: CheckNumber | None = None,
        bank_id: BankId | None = None,
    ) -> DisbursementSnapshot:
        """Fix a failed record's check number or Bank ID before exporting it again.

        A typed check number is claimed on the funding account in the same transaction, so
        the account never issues it to another payment later.
        """
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        with self.hot.holding(disbursement.funding_account_id):
            account = self._get(FundingAccount, company_id, disbursement.funding_account_id)
            disbursement.editable_payment(payment_id)
            if bank_id is not None:
                disbursement.edit_bank_id(payment_id, bank_id, actor)
            if check_number is not None:
                number = account.claim_check_number(payment_id, check_number, actor)
                disbursement.edit_check_number(payment_id, number, actor)
            self.save(disbursement, account)
        return DisbursementSnapshot.of(disbursement)

    @retry_on_conflict
    def request_export(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID, actor: str
    ) -> DisbursementSnapshot:
        return self._changing(
            company_id, disbursement_id, lambda d: d.request_export(payment_id, actor)
        )

    @retry_on_conflict
    def relink_payment(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID, actor: str
    ) -> DisbursementSnapshot:
        """Point a failed payment at its invoice's bill, now that the invoice is synced."""

        def relink(disbursement: Disbursement) -> None:
            invoice_id = disbursement.payment(payment_id).invoice_id
            invoice = self._get(Invoice, company_id, invoice_id)
            disbursement.relink(payment_id, invoice.require_erp_ref(), actor)

        return self._changing(company_id, disbursement_id, relink)

    @retry_on_conflict
    def mark_as_exported(
        self,
        company_id: str,
        disbursement_id: UUID,
        payment_id: UUID,
        *,
        erp_payment_ref: str | None,
        note: str | None,
        actor: str,
    ) -> DisbursementSnapshot:
        return self._changing(
            company_id,
            disbursement_id,
            lambda d: d.mark_as_exported(payment_id, erp_payment_ref, note, actor),
        )

    def export_candidate(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID
    ) -> ExportCandidate:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        return ExportCandidate.of(disbursement, disbursement.payment(payment_id))
