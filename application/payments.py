"""The Payments application: every command and query on the payment lifecycle.

Each command is get, decide, save: it loads the aggregates of one company, lets the domain
decide, and saves what changed in one transaction. Commands are retried when another writer
saved first (see conflicts.py); queries return frozen read models (see queries.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.conflicts import retry_on_conflict
from application.errors import NotFound
from application.group_commit import GroupCommit, Queued
from application.payment_records import PaymentRecordCommands
from application.ports import BetweenProcesses
from application.queries import DisbursementView, ErpSettingsView, FundingAccountView, InvoiceView
from domain import drawdown
from domain.disbursement import Disbursement
from domain.errors import DomainError
from domain.funding_account import FundingAccount
from domain.invoice import Invoice


@dataclass(eq=False)
class Authorization(Queued):
    """One authorization waiting for its account's next batch."""

    company_id: str
    disbursement: Disbursement
    invoices: dict[UUID, Invoice]
    actor: str

    def aggregate_ids(self) -> set[UUID]:
        return {self.disbursement.id, *self.invoices}

    def aggregates(self) -> list[Aggregate]:
        return [self.disbursement, *self.invoices.values()]


class Payments(PaymentRecordCommands):
    """The payment lifecycle: ERP settings, funding accounts, invoices, disbursements, and
    (from PaymentRecordCommands) the export's records. One event store, named "Payments"."""

    name = "Payments"

    def __init__(
        self, env: dict[str, str] | None = None, *, between: BetweenProcesses | None = None
    ) -> None:
        """`between`: the hot-account lock other processes on the store take too, if any."""
        super().__init__(env)
        self.authorizations: GroupCommit[Authorization] = GroupCommit(self.hot, between)

    # --- company ERP settings -----------------------------------------------------------------
    @retry_on_conflict
    def configure_erp(
        self,
        company_id: str,
        *,
        connector: object,
        payment_record_sync_enabled: bool,
        override_subcontractor_invoice_number: bool,
        erp_base_url: object,
        actor: str,
    ) -> ErpSettingsView:
        company = self._company(company_id, actor)
        company.configure_erp(
            connector=connector,
            payment_record_sync_enabled=payment_record_sync_enabled,
            override_subcontractor_invoice_number=override_subcontractor_invoice_number,
            erp_base_url=erp_base_url,
            actor=actor,
        )
        self.save(company)
        view = ErpSettingsView.of(company)
        assert view is not None
        return view

    def erp_settings(self, company_id: str) -> ErpSettingsView:
        view = ErpSettingsView.of(self._existing_company(company_id))
        if view is None:
            raise NotFound(f"company {company_id} has not configured its ERP integration")
        return view

    # --- funding accounts ---------------------------------------------------------------------
    @retry_on_conflict
    def open_funding_account(
        self,
        company_id: str,
        *,
        nickname: object,
        bank_id: object,
        next_check_number: object,
        actor: str,
    ) -> UUID:
        company = self._company(company_id, actor)
        account = FundingAccount.open(
            company_id=company_id,
            nickname=nickname,
            bank_id=bank_id,
            next_check_number=next_check_number,
            actor=actor,
        )
        company.list_funding_account(account.id, account.nickname, account.bank_id, actor)
        self.save(company, account)
        return account.id

    @retry_on_conflict
    def update_funding_account(
        self,
        company_id: str,
        account_id: UUID,
        *,
        actor: str,
        nickname: object = None,
        bank_id: object = None,
        next_check_number: object = None,
    ) -> FundingAccountView:
        """Change nickname, Bank ID or next check number; all or nothing."""
        with self.hot.holding(account_id):
            account = self._get(FundingAccount, company_id, account_id)
            company = self._company(company_id, actor)
            if nickname is not None:
                account.rename(nickname, actor)
            if bank_id is not None:
                account.change_bank_id(bank_id, actor)
            if next_check_number is not None:
                account.change_next_check_number(next_check_number, actor)
            company.list_funding_account(account.id, account.nickname, account.bank_id, actor)
            self.save(company, account)
            return FundingAccountView.of(account)

    @retry_on_conflict
    def deactivate_funding_account(self, company_id: str, account_id: UUID, actor: str) -> None:
        account = self._get(FundingAccount, company_id, account_id)
        account.deactivate(actor)
        self.save(account)

    def funding_account(self, company_id: str, account_id: UUID) -> FundingAccountView:
        return FundingAccountView.of(self._get(FundingAccount, company_id, account_id))

    # --- invoices -----------------------------------------------------------------------------
    def receive_invoice(self, company_id: str, *, actor: str, **fields: Any) -> UUID:
        invoice = Invoice.receive(company_id=company_id, actor=actor, **fields)
        self.save(invoice)
        return invoice.id

    @retry_on_conflict
    def approve_invoice(self, company_id: str, invoice_id: UUID, actor: str) -> InvoiceView:
        invoice = self._get(Invoice, company_id, invoice_id)
        invoice.approve(actor)
        self.save(invoice)
        return InvoiceView.of(invoice)

    @retry_on_conflict
    def record_invoice_synced(
        self,
        company_id: str,
        invoice_id: UUID,
        *,
        erp_ref: str,
        erp_invoice_number: str,
        actor: str,
    ) -> InvoiceView:
        invoice = self._get(Invoice, company_id, invoice_id)
        invoice.record_synced(erp_ref, erp_invoice_number, actor)
        self.save(invoice)
        return InvoiceView.of(invoice)

    def check_can_sync(self, company_id: str, invoice_id: UUID) -> None:
        self._get(Invoice, company_id, invoice_id).check_is_approved()

    def invoice(self, company_id: str, invoice_id: UUID) -> InvoiceView:
        return InvoiceView.of(self._get(Invoice, company_id, invoice_id))

    # --- disbursements ------------------------------------------------------------------------
    @retry_on_conflict
    def draft_disbursement(
        self,
        company_id: str,
        *,
        name: object,
        funding_account_id: UUID,
        payments: Sequence[tuple[UUID, object]],
        actor: str,
    ) -> UUID:
        account = self._referenced(FundingAccount, company_id, funding_account_id)
        invoices = [(self._referenced(Invoice, company_id, i), amount) for i, amount in payments]
        disbursement = drawdown.draft_disbursement(
            name=name, account=account, payments=invoices, actor=actor
        )
        self.save(disbursement)
        return disbursement.id

    @retry_on_conflict
    def add_payment(
        self,
        company_id: str,
        disbursement_id: UUID,
        *,
        invoice_id: UUID,
        amount: object,
        actor: str,
    ) -> DisbursementView:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        invoice = self._referenced(Invoice, company_id, invoice_id)
        drawdown.add_payment(disbursement, invoice, amount, actor)
        self.save(disbursement)
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def remove_payment(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID, actor: str
    ) -> DisbursementView:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        disbursement.remove_payment(payment_id, actor)
        self.save(disbursement)
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def change_payment_amount(
        self,
        company_id: str,
        disbursement_id: UUID,
        payment_id: UUID,
        amount: object,
        actor: str,
    ) -> DisbursementView:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        disbursement.check_is_draft()
        invoice = self._get(Invoice, company_id, disbursement.payment(payment_id).invoice_id)
        drawdown.change_amount(disbursement, invoice, payment_id, amount, actor)
        self.save(disbursement)
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def authorize(self, company_id: str, disbursement_id: UUID, actor: str) -> DisbursementView:
        """Request funding; authorizations queued on one account are saved together.

        The disbursement and its invoices are loaded here, outside the account's lock; the
        account's next batch (see group_commit.py) decides this one in queue order and saves
        it with the others. A lost race fails the whole batch, and this command runs again.
        """
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        disbursement.check_is_draft()
        request = Authorization(company_id, disbursement, self._invoices_of(disbursement), actor)
        self.authorizations.submit(
            disbursement.funding_account_id, request, self._authorize_together
        )
        return DisbursementView.of(disbursement)

    def _authorize_together(self, batch: list[Authorization]) -> None:
        """Decide each queued authorization on one account load, and save them in one go."""
        first = batch[0]
        account = self._get(FundingAccount, first.company_id, first.disbursement.funding_account_id)
        taken: set[UUID] = set()  # aggregates a decided request of this batch changes
        decided: list[Authorization] = []
        for request in batch:
            if request.company_id != account.company_id:
                request.fail(NotFound(f"no funding account {account.id} in {request.company_id}"))
                continue
            if not taken.isdisjoint(request.aggregate_ids()):
                # Two requests for one invoice or disbursement: the later one reads again.
                request.fail(IntegrityError("another authorization in its batch changed it"))
                continue
            version = account.version
            try:
                drawdown.authorize(request.disbursement, account, request.invoices, request.actor)
            except DomainError as error:
                if account.version != version:  # never: issuing is the last step that can fail
                    raise
                request.fail(error)
                continue
            taken.update(request.aggregate_ids())
            decided.append(request)
        if decided:
            try:
                self.save(account, *(a for request in decided for a in request.aggregates()))
            except IntegrityError as error:
                for request in decided:
                    request.fail(IntegrityError(str(error)))
                return
        for request in decided:
            request.succeed()

    @retry_on_conflict
    def cancel(
        self, company_id: str, disbursement_id: UUID, reason: object, actor: str
    ) -> DisbursementView:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        disbursement.cancel(reason, actor)
        self.save(disbursement)
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def complete_funding(
        self, company_id: str, disbursement_id: UUID, funded_at: datetime, actor: str
    ) -> DisbursementView:
        """Record the drawdown as landed; the export starts from this event."""
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        invoices = self._invoices_of(disbursement)
        company = self._existing_company(company_id)
        drawdown.complete_funding(
            disbursement,
            invoices,
            funded_at=funded_at,
            payment_record_sync_enabled=company.payment_record_sync_enabled,
            actor=actor,
        )
        self.save(disbursement, *invoices.values())
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def fail_funding(
        self, company_id: str, disbursement_id: UUID, reason: object, actor: str
    ) -> DisbursementView:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        invoices = self._invoices_of(disbursement)
        drawdown.fail_funding(disbursement, invoices, reason, actor)
        self.save(disbursement, *invoices.values())
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def return_payout(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID, reason: object, actor: str
    ) -> DisbursementView:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        invoice = self._get(Invoice, company_id, disbursement.payment(payment_id).invoice_id)
        drawdown.return_payout(disbursement, invoice, payment_id, reason, actor)
        self.save(disbursement, invoice)
        return DisbursementView.of(disbursement)

    def disbursement(
        self,
        company_id: str,
        disbursement_id: UUID,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> DisbursementView:
        """The disbursement now, or as it was at a version or a moment in the past."""
        if as_of is not None:
            version = self.version_at(disbursement_id, as_of)
        return DisbursementView.of(
            self._get(Disbursement, company_id, disbursement_id, version=version)
        )
