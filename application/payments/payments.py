"""The Payments application: every command and query on the payment lifecycle.

Each command is get, decide, save: it loads the aggregates of one company, lets the domain
decide, and saves what changed in one transaction. Commands are retried when another writer
saved first (see conflicts.py); queries return frozen read models (see queries.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.errors import InvoiceNumberTaken, NotFound
from application.payments.conflicts import retry_on_conflict
from application.payments.group_commit import GroupCommit, Queued
from application.payments.idempotency import (
    ClaimedElsewhere,
    IdempotentRequest,
    PendingClaim,
    pending_claim,
)
from application.payments.invoice_numbers import InvoiceNumber
from application.payments.payment_record_commands import PaymentRecordCommands
from application.payments.preconditions import spend_expected
from application.payments.queries import (
    DisbursementSnapshot,
    ErpSettingsSnapshot,
    FundingAccountSnapshot,
    InvoiceSnapshot,
)
from application.ports import BetweenProcesses
from domain import drawdown
from domain.check_numbers import CheckNumber
from domain.disbursement import Disbursement
from domain.errors import DomainError
from domain.funding_account import FundingAccount
from domain.invoice import Invoice
from domain.money import ZERO
from domain.text import BankId


@dataclass(eq=False)
class Authorization(Queued):
    """One authorization waiting for its account's next batch."""

    company_id: str
    disbursement: Disbursement
    invoices: dict[UUID, Invoice]
    actor: str
    # The requester's Idempotency-Key claim, if its request has one: it goes in with the
    # batch's save, whichever request's thread makes that save.
    claim: PendingClaim | None = None
    claimed: IdempotentRequest | None = None

    def aggregate_ids(self) -> set[UUID]:
        return {self.disbursement.id, *self.invoices}

    def aggregates(self) -> list[Aggregate]:
        claimed = [] if self.claimed is None else [self.claimed]
        return [self.disbursement, *self.invoices.values(), *claimed]


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
        connector: str,
        payment_record_sync_enabled: bool,
        override_subcontractor_invoice_number: bool,
        erp_base_url: str | None,
        actor: str,
        connection: Mapping[str, str] | None = None,
    ) -> ErpSettingsSnapshot:
        """`connection` is checked by the connector registry first (ErpConnectors)."""
        company = self._company(company_id, actor)
        company.configure_erp(
            connector=connector,
            payment_record_sync_enabled=payment_record_sync_enabled,
            override_subcontractor_invoice_number=override_subcontractor_invoice_number,
            erp_base_url=erp_base_url,
            connection=connection,
            actor=actor,
        )
        self.save(company)
        snapshot = ErpSettingsSnapshot.of(company)
        assert snapshot is not None
        return snapshot

    def erp_settings(self, company_id: str) -> ErpSettingsSnapshot:
        snapshot = ErpSettingsSnapshot.of(self._existing_company(company_id))
        if snapshot is None:
            raise NotFound(f"company {company_id} has not configured its ERP integration")
        return snapshot

    # --- funding accounts ---------------------------------------------------------------------
    @retry_on_conflict
    def open_funding_account(
        self,
        company_id: str,
        *,
        nickname: str,
        bank_id: BankId,
        next_check_number: CheckNumber,
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
        nickname: str | None = None,
        bank_id: BankId | None = None,
        next_check_number: CheckNumber | None = None,
    ) -> FundingAccountSnapshot:
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
            return FundingAccountSnapshot.of(account)

    @retry_on_conflict
    def deactivate_funding_account(self, company_id: str, account_id: UUID, actor: str) -> None:
        account = self._get(FundingAccount, company_id, account_id)
        account.deactivate(actor)
        self.save(account)

    def funding_account(self, company_id: str, account_id: UUID) -> FundingAccountSnapshot:
        return FundingAccountSnapshot.of(self._get(FundingAccount, company_id, account_id))

    # --- invoices -----------------------------------------------------------------------------
    def receive_invoice(
        self,
        company_id: str,
        *,
        actor: str,
        invoice_number: str,
        vendor_id: str,
        vendor_name: str,
        erp_vendor_id: str,
        project: str,
        amount_due: Decimal | str,
        commitment: str | None = None,
        retainage: Decimal | str = ZERO,
    ) -> UUID:
        invoice = Invoice.receive(
            company_id=company_id,
            actor=actor,
            invoice_number=invoice_number,
            vendor_id=vendor_id,
            vendor_name=vendor_name,
            erp_vendor_id=erp_vendor_id,
            project=project,
            amount_due=amount_due,
            commitment=commitment,
            retainage=retainage,
        )
        number = InvoiceNumber.take(
            company_id, invoice.vendor_id, invoice.invoice_number, invoice.id, actor
        )
        taken = InvoiceNumberTaken(
            f"vendor {invoice.vendor_id} already has invoice {invoice.invoice_number} in this"
            " company; the ERP would refuse a second bill with its number"
        )
        if self._exists(number.id):
            raise taken
        try:
            self.save(invoice, number)
        except IntegrityError:
            raise taken from None  # another request took the number meanwhile
        return invoice.id

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    @retry_on_conflict
    def approve_invoice(self, company_id: str, invoice_id: UUID, actor: str) -> InvoiceSnapshot:
        invoice = self._get(Invoice, company_id, invoice_id)
        invoice.approve(actor)
        self.save(invoice)
        return InvoiceSnapshot.of(invoice)

    @retry_on_conflict
    def record_invoice_synced(
        self,
        company_id: str,
        invoice_id: UUID,
        *,
        erp_ref: str,
        erp_invoice_number: str,
        actor: str,
    ) -> InvoiceSnapshot:
        invoice = self._get(Invoice, company_id, invoice_id)
        invoice.record_synced(erp_ref, erp_invoice_number, actor)
        self.save(invoice)
        return InvoiceSnapshot.of(invoice)

    def check_can_sync(self, company_id: str, invoice_id: UUID) -> None:
        self._get(Invoice, company_id, invoice_id).check_is_approved()

    def invoice(self, company_id: str, invoice_id: UUID) -> InvoiceSnapshot:
        return InvoiceSnapshot.of(self._get(Invoice, company_id, invoice_id))

    # --- disbursements ------------------------------------------------------------------------
    @retry_on_conflict
    def draft_disbursement(
        self,
        company_id: str,
        *,
        name: str,
        funding_account_id: UUID,
        payments: Sequence[tuple[UUID, Decimal | str]],
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
        amount: Decimal | str,
        actor: str,
    ) -> DisbursementSnapshot:
        return self._changing(
            company_id,
            disbursement_id,
            lambda d: drawdown.add_payment(
                d, self._referenced(Invoice, company_id, invoice_id), amount, actor
            ),
        )

    @retry_on_conflict
    def remove_payment(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID, actor: str
    ) -> DisbursementSnapshot:
        return self._changing(
            company_id, disbursement_id, lambda d: d.remove_payment(payment_id, actor)
        )

    @retry_on_conflict
    def change_payment_amount(
        self,
        company_id: str,
        disbursement_id: UUID,
        payment_id: UUID,
        amount: Decimal | str,
        actor: str,
    ) -> DisbursementSnapshot:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        disbursement.check_is_draft()
        invoice = self._get(Invoice, company_id, disbursement.payment(payment_id).invoice_id)
        drawdown.change_amount(disbursement, invoice, payment_id, amount, actor)
        self.save(disbursement)
        return DisbursementSnapshot.of(disbursement)

    @retry_on_conflict
    def authorize(self, company_id: str, disbursement_id: UUID, actor: str) -> DisbursementSnapshot:
        """Request funding; authorizations queued on one account are saved together.

        The disbursement and its invoices are loaded here, outside the account's lock; the
        account's next batch (see group_commit.py) decides this one in queue order and saves
        it with the others. A lost race fails the whole batch, and this command runs again.
        """
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        disbursement.check_is_draft()
        claim = pending_claim()
        request = Authorization(
            company_id,
            disbursement,
            self._invoices_of(disbursement),
            actor,
            claim=claim if claim is not None and claim.saved is None else None,
        )
        self.authorizations.submit(
            disbursement.funding_account_id, request, self._authorize_together
        )
        if request.claim is not None:
            request.claim.saved = request.claimed
        spend_expected()  # this request's If-Match was checked where it loaded the disbursement
        return DisbursementSnapshot.of(disbursement)

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
            try:
                # Claimed before deciding: a key taken elsewhere fails this request alone.
                request.claimed = None if request.claim is None else request.claim.fresh()
            except ClaimedElsewhere as error:
                request.fail(error)
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
                self.save_batch(account, *(a for request in decided for a in request.aggregates()))
            except IntegrityError as error:
                for request in decided:
                    request.fail(IntegrityError(str(error)))
                return
        for request in decided:
            request.succeed()

    @retry_on_conflict
    def cancel(
        self, company_id: str, disbursement_id: UUID, reason: str, actor: str
    ) -> DisbursementSnapshot:
        return self._changing(company_id, disbursement_id, lambda d: d.cancel(reason, actor))

    @retry_on_conflict
    def complete_funding(
        self, company_id: str, disbursement_id: UUID, funded_at: datetime, actor: str
    ) -> DisbursementSnapshot:
        """Record the drawdown as landed; the export starts from this event."""
        return self._changing_with_invoices(
            company_id,
            disbursement_id,
            lambda d, invoices: drawdown.complete_funding(
                d,
                invoices,
                funded_at=funded_at,
                payment_record_sync_enabled=(
                    self._existing_company(company_id).payment_record_sync_enabled
                ),
                actor=actor,
            ),
        )

    @retry_on_conflict
    def fail_funding(
        self, company_id: str, disbursement_id: UUID, reason: str, actor: str
    ) -> DisbursementSnapshot:
        return self._changing_with_invoices(
            company_id,
            disbursement_id,
            lambda d, invoices: drawdown.fail_funding(d, invoices, reason, actor),
        )

    @retry_on_conflict
    def return_payout(
        self, company_id: str, disbursement_id: UUID, payment_id: UUID, reason: str, actor: str
    ) -> DisbursementSnapshot:
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        invoice = self._get(Invoice, company_id, disbursement.payment(payment_id).invoice_id)
        drawdown.return_payout(disbursement, invoice, payment_id, reason, actor)
        self.save(disbursement, invoice)
        return DisbursementSnapshot.of(disbursement)

    def disbursement(
        self,
        company_id: str,
        disbursement_id: UUID,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> DisbursementSnapshot:
        """The disbursement now, or as it was at a version or a moment in the past."""
        if as_of is not None:
            version = self.version_at(disbursement_id, as_of)
        return DisbursementSnapshot.of(
            self._get(Disbursement, company_id, disbursement_id, version=version)
        )
