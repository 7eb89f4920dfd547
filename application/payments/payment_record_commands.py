"""The payment-record export's commands: outcomes from the ERP, and the approver's fixes.

Writes to the records; the list of them that people read is a read model, in
application/read_models/payment_records.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from application.export.export_records import ExportCandidate, ExportOutcome
from application.payments.company_scoped import CompanyScopedApplication
from application.payments.conflicts import retry_on_conflict
from application.payments.queries import DisbursementSnapshot
from application.ports import ErpAccepted, ErpRefused
from domain.check_numbers import CheckNumber, check_number
from domain.disbursement import Disbursement
from domain.errors import ExportNotPending, InvalidBulkFix
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice import Invoice
from domain.invoice_payment import ExportRetry
from domain.payment_export import waits_for_its_invoice
from domain.text import BankId, bank_id

EXPORTER = "paysync-export"  # the actor of what the export records (see export/erp_export.py)


MAX_FIXES = 500  # records one bulk fix may change


@dataclass(frozen=True)
class RecordFix:
    """One failed record's new check number and/or Bank ID, in a bulk fix."""

    disbursement_id: UUID
    payment_id: UUID
    check_number: int | str | None = None
    bank_id: str | None = None


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

    @retry_on_conflict
    def record_export_retry(
        self,
        company_id: str,
        disbursement_id: UUID,
        payment_id: UUID,
        *,
        attempt: int,
        retry: ExportRetry,
        actor: str,
    ) -> None:
        """The export tries again by itself; recorded unless the attempt is settled already."""
        with self.hot.holding(disbursement_id):
            disbursement = self._get(Disbursement, company_id, disbursement_id)
            try:
                disbursement.record_retry_scheduled(payment_id, attempt, retry, actor)
            except ExportNotPending:
                return
            self.save(disbursement)

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
        if any(outcome.waits_for_invoice for outcome in recorded):
            # The invoice may have been synced while the ERP was asked: the sync's own heal
            # saw the record still pending, so look again now that the failure is saved.
            self.heal_records_of(company_id, disbursement_id)
        return recorded

    def heal_records_waiting_for(self, company_id: str, invoice_id: UUID) -> int:
        """The invoice is synced: relink and export every record that failed for want of it
        (as the export, `paysync-export`); how many were."""
        invoice = self._get(Invoice, company_id, invoice_id)
        disbursements = set(invoice.payments_made().values())
        return sum(self.heal_records_of(company_id, d) for d in sorted(disbursements))

    @retry_on_conflict
    def heal_records_of(self, company_id: str, disbursement_id: UUID) -> int:
        """Relink and export the disbursement's records whose invoice is synced by now."""
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        healed = 0
        for payment in list(disbursement.payments.values()):
            if not (payment.is_failed and waits_for_its_invoice(payment)):
                continue
            invoice = self._get(Invoice, company_id, payment.invoice_id)
            if invoice.erp_ref is not None:
                healed += disbursement.relink_and_export(payment.id, invoice.erp_ref, EXPORTER)
        if healed:
            self.save(disbursement)
        return healed

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
    def fix_failed_records(
        self, company_id: str, fixes: Sequence[RecordFix], *, export: bool, actor: str
    ) -> list[DisbursementSnapshot]:
        """Change the check number or Bank ID of many failed records at once, all or nothing:
        each record's change is its own event, and with `export` each is exported again.

        Saved in one transaction, so a refusal of any record (not failed, a number already
        used, ...) changes none. Typed check numbers are claimed on their funding accounts.
        """
        if not 1 <= len(fixes) <= MAX_FIXES:
            raise InvalidBulkFix(f"a bulk fix changes 1 to {MAX_FIXES} records, not {len(fixes)}")
        if len({fix.payment_id for fix in fixes}) != len(fixes):
            raise InvalidBulkFix("a bulk fix names each record once")
        disbursements: dict[UUID, Disbursement] = {}
        accounts: dict[UUID, FundingAccount] = {}
        for fix in fixes:
            if fix.check_number is None and fix.bank_id is None:
                raise InvalidBulkFix(f"record {fix.payment_id}: give a check number or a Bank ID")
            disbursement = disbursements.get(fix.disbursement_id)
            if disbursement is None:
                disbursement = self._get(Disbursement, company_id, fix.disbursement_id)
                disbursements[fix.disbursement_id] = disbursement
            disbursement.editable_payment(fix.payment_id)
            if fix.bank_id is not None:
                disbursement.edit_bank_id(fix.payment_id, bank_id(fix.bank_id), actor)
            if fix.check_number is not None:
                account_id = disbursement.funding_account_id
                if account_id not in accounts:
                    accounts[account_id] = self._get(FundingAccount, company_id, account_id)
                number = accounts[account_id].claim_check_number(
                    fix.payment_id, check_number(fix.check_number, "the check number"), actor
                )
                disbursement.edit_check_number(fix.payment_id, number, actor)
            if export:
                disbursement.request_export(fix.payment_id, actor)
        self.save(*disbursements.values(), *accounts.values())
        return [DisbursementSnapshot.of(d) for d in disbursements.values()]

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
        return self.export_candidates(company_id, disbursement_id, [payment_id])[payment_id]

    def export_candidates(
        self, company_id: str, disbursement_id: UUID, payment_ids: Iterable[UUID]
    ) -> dict[UUID, ExportCandidate]:
        """Several payments of one disbursement as the export needs them, from one load.

        Read, not copied: each record is made of its payment's own fields, and whether it is
        still pending is checked again when its outcome is recorded."""
        disbursement = self._get(Disbursement, company_id, disbursement_id, only_to_read=True)
        return {
            payment_id: ExportCandidate.of(disbursement, disbursement.payment(payment_id))
            for payment_id in payment_ids
        }
