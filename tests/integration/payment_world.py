"""A company's payments driven through the Payments application, step by step.

`PaymentWorld.step(name, pick)` runs one command chosen by name on a target chosen by `pick`
(an index into what exists), so hypothesis can generate any sequence of commands; commands
the domain refuses are skipped, as a user would see a 409 and move on. The ERP's answers are
recorded directly (`export_ok`, `export_failed`), as the export worker would.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.payments.payments import Payments
from application.payments.queries import DisbursementSnapshot, PaymentSnapshot
from domain.company import Connector
from domain.errors import DomainError
from domain.export_failure import ExportFailureReason

COMPANY = "acme"
APPROVER, DISBURSER, ACCOUNTANT, BANK, WORKER = "ann", "pat", "acc", "bank", "paysync-export"
STEPS = (
    "configure", "open_account", "invoice", "draft", "add_payment", "remove_payment",
    "change_amount", "authorize", "cancel", "fund",
    "fail_funding", "export_ok", "export_failed", "edit_check_number", "edit_bank_id",
    "retry", "mark_exported", "raise_next_check_number",
)  # fmt: skip
REASONS = tuple(ExportFailureReason)
CONNECTORS = tuple(Connector)


class PaymentWorld:
    def __init__(self, payments: Payments, company: str = COMPANY) -> None:
        self.payments = payments
        self.company = company
        self.accounts: list[UUID] = []
        self.invoices: list[UUID] = []
        self.disbursements: list[UUID] = []
        self.counter = 0

    def step(self, name: str, pick: int) -> None:
        self.counter += 1
        with suppress(DomainError):  # refused by a rule: nothing was saved
            getattr(self, name)(pick)

    # --- set-up ---------------------------------------------------------------------------------
    def configure(self, pick: int, sync: bool | None = None) -> None:
        self.payments.configure_erp(
            self.company,
            connector=CONNECTORS[pick % len(CONNECTORS)].value,
            payment_record_sync_enabled=pick % 4 != 3 if sync is None else sync,
            override_subcontractor_invoice_number=False,
            erp_base_url=None,
            actor=ACCOUNTANT,
        )

    def open_account(self, pick: int) -> UUID:
        account = self.payments.open_funding_account(
            self.company,
            nickname=f"Account {len(self.accounts)}",
            bank_id=f"{1001 + len(self.accounts)}",
            next_check_number=100 + 10 * pick,
            actor=DISBURSER,
        )
        self.accounts.append(account)
        return account

    def invoice(self, pick: int, amount: str = "1000.00") -> UUID:
        invoice = self.payments.receive_invoice(
            self.company,
            actor="invoice-management",
            invoice_number=f"INV-{self.counter}-{len(self.invoices)}",
            vendor_id=f"v-{pick % 3}",
            vendor_name=("Rebar Co", "Steel LLC", "Glass Inc")[pick % 3],
            erp_vendor_id=f"V{pick % 3}",
            project="Tower A",
            amount_due=amount,
        )
        self.payments.approve_invoice(self.company, invoice, APPROVER)
        if pick % 5 != 4:
            self.payments.record_invoice_synced(
                self.company,
                invoice,
                erp_ref=f"B-{invoice}",
                erp_invoice_number="X",
                actor=APPROVER,
            )
        self.invoices.append(invoice)
        return invoice

    # --- the drawdown ---------------------------------------------------------------------------
    def draft(self, pick: int) -> UUID | None:
        if not self.accounts or not self.invoices:
            return None
        count = 1 + pick % 3
        chosen = {self.invoices[(pick + i) % len(self.invoices)] for i in range(count)}
        disbursement = self.payments.draft_disbursement(
            self.company,
            name=f"Run {self.counter}",
            funding_account_id=self.accounts[pick % len(self.accounts)],
            payments=[(invoice, "100.00") for invoice in sorted(chosen)],
            actor=DISBURSER,
        )
        self.disbursements.append(disbursement)
        return disbursement

    def add_payment(self, pick: int) -> None:
        if self.disbursements and self.invoices:
            self.payments.add_payment(
                self.company, self._disbursement(pick),
                invoice_id=self.invoices[pick % len(self.invoices)], amount="50.00",
                actor=DISBURSER,
            )  # fmt: skip

    def remove_payment(self, pick: int) -> None:
        if self.disbursements:
            disbursement = self.payments.disbursement(self.company, self._disbursement(pick))
            payment = disbursement.payments[pick % len(disbursement.payments)]
            self.payments.remove_payment(self.company, disbursement.id, payment.id, DISBURSER)

    def change_amount(self, pick: int) -> None:
        if self.disbursements:
            disbursement = self.payments.disbursement(self.company, self._disbursement(pick))
            payment = disbursement.payments[pick % len(disbursement.payments)]
            self.payments.change_payment_amount(
                self.company, disbursement.id, payment.id, f"{10 + pick}.25", DISBURSER
            )

    def authorize(self, pick: int) -> None:
        if self.disbursements:
            self.payments.authorize(self.company, self._disbursement(pick), DISBURSER)

    def cancel(self, pick: int) -> None:
        if self.disbursements:
            self.payments.cancel(self.company, self._disbursement(pick), "not needed", DISBURSER)

    def fund(self, pick: int) -> None:
        if self.disbursements:
            funded_at = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=pick % 28)
            self.payments.complete_funding(self.company, self._disbursement(pick), funded_at, BANK)

    def fail_funding(self, pick: int) -> None:
        if self.disbursements:
            self.payments.fail_funding(self.company, self._disbursement(pick), "returned", BANK)

    # --- the export -----------------------------------------------------------------------------
    def export_ok(self, pick: int) -> None:
        if found := self._payment(pick, "pending"):
            disbursement, payment = found
            self.payments.record_export_succeeded(
                self.company, disbursement.id, payment.id, attempt=payment.export_attempt,
                erp_payment_ref=f"P-{payment.id}", marked_for_check_run=pick % 7 == 6,
                actor=WORKER,
            )  # fmt: skip

    def export_failed(self, pick: int) -> None:
        if found := self._payment(pick, "pending"):
            disbursement, payment = found
            self.payments.record_export_failed(
                self.company, disbursement.id, payment.id, attempt=payment.export_attempt,
                reason=REASONS[pick % len(REASONS)], message=f"refused {pick}",
                erp_code=str(6000 + pick) if pick % 2 else None, actor=WORKER,
            )  # fmt: skip

    def edit_check_number(self, pick: int) -> None:
        if found := self._payment(pick, "failed_to_export"):
            disbursement, payment = found
            self.payments.edit_failed_payment(
                self.company, disbursement.id, payment.id, actor=APPROVER,
                check_number=5000 + pick,
            )  # fmt: skip

    def edit_bank_id(self, pick: int) -> None:
        if found := self._payment(pick, "failed_to_export"):
            disbursement, payment = found
            self.payments.edit_failed_payment(
                self.company, disbursement.id, payment.id, actor=APPROVER, bank_id=f"B{pick}"
            )

    def retry(self, pick: int) -> None:
        if found := self._payment(pick, "failed_to_export"):
            disbursement, payment = found
            self.payments.request_export(self.company, disbursement.id, payment.id, APPROVER)

    def mark_exported(self, pick: int) -> None:
        if found := self._payment(pick, "failed_to_export"):
            disbursement, payment = found
            self.payments.mark_as_exported(
                self.company, disbursement.id, payment.id, erp_payment_ref="BY-HAND",
                note=None, actor=APPROVER,
            )  # fmt: skip

    def raise_next_check_number(self, pick: int) -> None:
        if self.accounts:
            account = self.accounts[pick % len(self.accounts)]
            current = self.payments.funding_account(self.company, account).next_check_number
            self.payments.update_funding_account(
                self.company, account, next_check_number=current + 10 * (1 + pick % 3),
                actor=APPROVER,
            )  # fmt: skip

    # --- a whole story ---------------------------------------------------------------------------
    def funded_disbursement(self, invoices: int = 1) -> DisbursementSnapshot:
        """A new disbursement of fresh invoices, authorized and funded."""
        if not self.accounts:
            self.open_account(0)
        chosen = [self.invoice(0) for _ in range(invoices)]
        disbursement = self.payments.draft_disbursement(
            self.company, name=f"Run {self.counter}", funding_account_id=self.accounts[0],
            payments=[(invoice, "100.00") for invoice in chosen], actor=DISBURSER,
        )  # fmt: skip
        self.disbursements.append(disbursement)
        self.payments.authorize(self.company, disbursement, DISBURSER)
        return self.payments.complete_funding(
            self.company, disbursement, datetime(2026, 11, 24, 15, tzinfo=UTC), BANK
        )

    def views(self) -> list[DisbursementSnapshot]:
        return [self.payments.disbursement(self.company, d) for d in self.disbursements]

    def _disbursement(self, pick: int) -> UUID:
        """Pick 0 is the newest disbursement, 1 the one before, and so on around."""
        return self.disbursements[-1 - pick % len(self.disbursements)]

    def _payment(
        self, pick: int, status: str
    ) -> tuple[DisbursementSnapshot, PaymentSnapshot] | None:
        found = [
            (view, payment)
            for view in self.views()
            for payment in view.payments
            if payment.export_status == status
        ]
        return found[pick % len(found)] if found else None
