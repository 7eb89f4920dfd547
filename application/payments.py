"""The Payments application: every command and query on the payment lifecycle.

Each command is get, decide, save: it loads the aggregates of one company, lets the domain
decide, and saves what changed in one transaction. Commands are retried when another writer
saved first (see conflicts.py); queries return frozen read models (see queries.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Recording
from eventsourcing.utils import Environment, EnvType

from application.conflicts import AggregateLocks, retry_on_conflict
from application.errors import NotFound, UnknownReference
from application.following import LocalSignal
from application.ports import ErpAccepted, ErpRefused
from application.queries import (
    DisbursementView,
    ErpSettingsView,
    ExportCandidate,
    ExportOutcome,
    FundingAccountView,
    InvoiceView,
)
from domain import drawdown
from domain.company import Company
from domain.disbursement import Disbursement
from domain.errors import ExportNotPending
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice import Invoice

A = TypeVar("A", bound=Aggregate)


class Payments(Application[UUID]):
    name = "Payments"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.hot = AggregateLocks()
        self.saved = LocalSignal()

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Only what paysync's settings say: the library would also read the process
        environment, where a stray PAYMENTS_POSTGRES_* variable could point the store
        elsewhere or switch on database functions (which drop tracking records in 9.5.6)."""
        return Environment(name, dict(env or {}))

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        """Wake this process's followers: the export starts the moment funding completes."""
        self.saved.notify()

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
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        with self.hot.holding(disbursement.funding_account_id):
            account = self._get(FundingAccount, company_id, disbursement.funding_account_id)
            invoices = self._invoices_of(disbursement)
            drawdown.authorize(disbursement, account, invoices, actor)
            self.save(disbursement, account, *invoices.values())
        return DisbursementView.of(disbursement)

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

    def version_at(self, aggregate_id: UUID, moment: datetime) -> int:
        """The version an aggregate had at `moment`: that of its last event by then."""
        version = None
        for event in self.events.get(aggregate_id):
            assert isinstance(event, Aggregate.Event)
            if event.timestamp > moment:
                break
            version = event.originator_version
        if version is None:
            raise NotFound(f"record {aggregate_id} did not exist at {moment.isoformat()}")
        return version

    # --- the payment-record export ------------------------------------------------------------
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
        check_number: object = None,
        bank_id: object = None,
    ) -> DisbursementView:
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
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def request_export(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID, actor: str
    ) -> DisbursementView:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        disbursement.request_export(payment_id, actor)
        self.save(disbursement)
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def relink_payment(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID, actor: str
    ) -> DisbursementView:
        """Point a failed payment at its invoice's bill, now that the invoice is synced."""
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        invoice = self._get(Invoice, company_id, disbursement.payment(payment_id).invoice_id)
        disbursement.relink(payment_id, invoice.require_erp_ref(), actor)
        self.save(disbursement)
        return DisbursementView.of(disbursement)

    @retry_on_conflict
    def mark_as_exported(
        self,
        company_id: str,
        disbursement_id: UUID,
        payment_id: UUID,
        *,
        erp_payment_ref: object,
        note: object,
        actor: str,
    ) -> DisbursementView:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        disbursement.mark_as_exported(payment_id, erp_payment_ref, note, actor)
        self.save(disbursement)
        return DisbursementView.of(disbursement)

    def export_candidate(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID
    ) -> ExportCandidate:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        return ExportCandidate.of(disbursement, disbursement.payment(payment_id))

    # --- loading, always within one company ---------------------------------------------------
    def _get(
        self, kind: type[A], company_id: str, aggregate_id: UUID, version: int | None = None
    ) -> A:
        aggregate: object
        try:
            aggregate = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind) or getattr(aggregate, "company_id", None) != company_id:
            raise NotFound(f"no {_label(kind)} {aggregate_id} in company {company_id}")
        return aggregate

    def _referenced(self, kind: type[A], company_id: str, aggregate_id: UUID) -> A:
        """Like _get, for an id named in a request body rather than in the path."""
        try:
            return self._get(kind, company_id, aggregate_id)
        except NotFound as error:
            raise UnknownReference(str(error)) from None

    def _invoices_of(self, disbursement: Disbursement) -> dict[UUID, Invoice]:
        return {
            p.invoice_id: self._get(Invoice, disbursement.company_id, p.invoice_id)
            for p in disbursement.payments.values()
        }

    def _company(self, company_id: str, actor: str) -> Company:
        """The company's aggregate; a company's first command enrolls it."""
        company: object
        try:
            company = self.repository.get(Company.id_for(company_id))
        except AggregateNotFoundError:
            return Company.enroll(company_id, actor)
        assert isinstance(company, Company)
        return company

    def _existing_company(self, company_id: str) -> Company:
        """For reading only: a company never enrolled reads as one with no settings."""
        return self._company(company_id, actor="paysync")


def _label(kind: type[Aggregate]) -> str:
    return {
        FundingAccount: "funding account",
        Invoice: "invoice",
        Disbursement: "disbursement",
    }.get(kind, kind.__name__.lower())
