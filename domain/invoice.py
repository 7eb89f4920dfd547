"""The subcontractor invoice: approved, sent to the ERP as a bill, and paid."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.command_copies import CopiedForCommands
from domain.errors import (
    AmountExceedsOpenAmount,
    InvoiceAlreadyApproved,
    InvoiceNotApproved,
    InvoiceStillNotSynced,
    SeparationOfDutiesViolated,
)
from domain.money import ZERO, money, positive_money
from domain.text import optional_text, required_text


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"


class ErpSyncStatus(StrEnum):
    NOT_SYNCED = "not_synced"
    SYNCED = "synced"


class Invoice(CopiedForCommands, Aggregate):
    """A subcontractor's invoice to the general contractor.

    Tracks approval, the ERP's reference once it is synced as a bill, and the payments against
    it. Invariants: it is approved before it is synced or paid; payments committed by authorized
    disbursements plus payments completed never exceed the amount due.
    """

    class InvoiceReceived(Aggregate.Created):
        company_id: str
        invoice_number: str
        vendor_id: str
        vendor_name: str
        erp_vendor_id: str
        project: str
        commitment: str | None
        amount_due: Decimal
        retainage: Decimal
        actor: str

    class InvoiceApproved(Aggregate.Event):
        actor: str

        def apply(self, invoice: Invoice) -> None:
            invoice.approved_by = self.actor

    class InvoiceSynced(Aggregate.Event):
        erp_ref: str
        erp_invoice_number: str
        actor: str

        def apply(self, invoice: Invoice) -> None:
            invoice.erp_ref = self.erp_ref
            invoice.erp_invoice_number = self.erp_invoice_number

    class PaymentCommitted(Aggregate.Event):
        """An authorized disbursement set this amount aside for the invoice.

        Version 2 names the disbursement, so a sync of the invoice finds the payment records
        waiting for it; version 1 events did not (read as None).
        """

        class_version = 2

        payment_id: UUID
        amount: Decimal
        disbursement_id: UUID | None
        actor: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["disbursement_id"] = None

        def apply(self, invoice: Invoice) -> None:
            invoice.committed[self.payment_id] = self.amount
            if self.disbursement_id is not None:
                invoice.disbursement_of[self.payment_id] = self.disbursement_id

    class PaymentCompleted(Aggregate.Event):
        payment_id: UUID
        actor: str

        def apply(self, invoice: Invoice) -> None:
            invoice.paid[self.payment_id] = invoice.committed.pop(self.payment_id)

    class PaymentReleased(Aggregate.Event):
        """Funding failed: the committed amount is open again."""

        payment_id: UUID
        actor: str

        def apply(self, invoice: Invoice) -> None:
            invoice.committed.pop(self.payment_id)

    class PaymentReturned(Aggregate.Event):
        """The payout came back: the amount is open on the invoice again."""

        payment_id: UUID
        actor: str

        def apply(self, invoice: Invoice) -> None:
            invoice.paid.pop(self.payment_id)

    def __init__(
        self,
        company_id: str,
        invoice_number: str,
        vendor_id: str,
        vendor_name: str,
        erp_vendor_id: str,
        project: str,
        commitment: str | None,
        amount_due: Decimal,
        retainage: Decimal,
        actor: str,
    ) -> None:
        self.company_id = company_id
        self.invoice_number = invoice_number
        self.vendor_id = vendor_id
        self.vendor_name = vendor_name
        self.erp_vendor_id = erp_vendor_id
        self.project = project
        self.commitment = commitment
        self.amount_due = amount_due
        self.retainage = retainage
        self.received_by = actor
        self.approved_by: str | None = None
        self.erp_ref: str | None = None
        self.erp_invoice_number: str | None = None
        self.committed: dict[UUID, Decimal] = {}
        self.paid: dict[UUID, Decimal] = {}
        self.disbursement_of: dict[UUID, UUID] = {}  # payment -> the disbursement making it

    @classmethod
    def receive(
        cls,
        *,
        company_id: str,
        invoice_number: str,
        vendor_id: str,
        vendor_name: str,
        erp_vendor_id: str,
        project: str,
        amount_due: Decimal | str,
        actor: str,
        commitment: str | None = None,
        retainage: Decimal | str = "0.00",
    ) -> Invoice:
        """Record an invoice as received from Invoice Management; it awaits approval."""
        return cls._create(
            cls.InvoiceReceived,
            id=uuid4(),
            company_id=company_id,
            invoice_number=required_text(invoice_number, "the invoice number", 60),
            vendor_id=required_text(vendor_id, "the vendor id", 100),
            vendor_name=required_text(vendor_name, "the vendor name"),
            erp_vendor_id=required_text(erp_vendor_id, "the vendor's ERP id", 100),
            project=required_text(project, "the project"),
            commitment=optional_text(commitment, "the commitment"),
            amount_due=positive_money(amount_due),
            retainage=money(retainage),
            actor=actor,
        )

    # --- what the invoice knows ---------------------------------------------------------------
    @property
    def is_approved(self) -> bool:
        return self.approved_by is not None

    @property
    def erp_sync_status(self) -> ErpSyncStatus:
        return erp_sync_status_of(self.erp_ref)

    @property
    def amount_paid(self) -> Decimal:
        return sum(self.paid.values(), ZERO)

    @property
    def open_amount(self) -> Decimal:
        """What may still be paid: the amount due less payments completed or committed."""
        return self.amount_due - self.amount_paid - sum(self.committed.values(), ZERO)

    @property
    def payment_status(self) -> PaymentStatus:
        return payment_status_of(self.amount_due, self.amount_paid)

    # --- guards -------------------------------------------------------------------------------
    def check_is_approved(self) -> None:
        if not self.is_approved:
            raise InvoiceNotApproved(
                f"invoice {self.invoice_number} must be approved before it is synced or paid"
            )

    def check_can_pay(self, amount: Decimal) -> None:
        """A payment must not exceed what is still open on the invoice."""
        self.check_is_approved()
        if amount > self.open_amount:
            raise AmountExceedsOpenAmount(
                f"the payment of {amount} exceeds the open amount of {self.open_amount} "
                f"on invoice {self.invoice_number}"
            )

    def require_erp_ref(self) -> str:
        """The bill's reference in the ERP, which a payment record must link to."""
        if self.erp_ref is None:
            raise InvoiceStillNotSynced(
                f"invoice {self.invoice_number} is not synced to the ERP yet: sync it first"
            )
        return self.erp_ref

    def check_not_approved_by(self, authorizer: str) -> None:
        # One person, however their name is cased in a token: ALICE is alice.
        if self.approved_by is not None and self.approved_by.casefold() == authorizer.casefold():
            raise SeparationOfDutiesViolated(
                f"{authorizer} approved invoice {self.invoice_number} and so may not "
                "authorize a disbursement that pays it"
            )

    # --- commands -----------------------------------------------------------------------------
    def approve(self, actor: str) -> None:
        """An approved invoice may be synced to the ERP and paid; approval happens once."""
        if self.is_approved:
            raise InvoiceAlreadyApproved(f"invoice {self.invoice_number} is already approved")
        self.trigger_event(self.InvoiceApproved, actor=actor)

    def record_synced(self, erp_ref: str, erp_invoice_number: str, actor: str) -> None:
        """The ERP holds the invoice as a bill; syncing it again changes nothing."""
        self.check_is_approved()
        if self.erp_ref is None:
            self.trigger_event(
                self.InvoiceSynced,
                erp_ref=erp_ref,
                erp_invoice_number=erp_invoice_number,
                actor=actor,
            )

    def commit_payment(
        self, payment_id: UUID, amount: Decimal, actor: str, disbursement_id: UUID | None = None
    ) -> None:
        """An authorized disbursement sets the amount aside, so no other can pay it too."""
        self.check_can_pay(amount)
        self.trigger_event(
            self.PaymentCommitted,
            payment_id=payment_id,
            amount=amount,
            disbursement_id=disbursement_id,
            actor=actor,
        )

    def payments_made(self) -> dict[UUID, UUID]:
        """Payment -> disbursement, for every payment committed or completed toward it."""
        return {
            payment_id: disbursement_id
            for payment_id, disbursement_id in self.disbursement_of.items()
            if payment_id in self.committed or payment_id in self.paid
        }

    def complete_payment(self, payment_id: UUID, actor: str) -> None:
        if payment_id in self.committed:
            self.trigger_event(self.PaymentCompleted, payment_id=payment_id, actor=actor)

    def return_payment(self, payment_id: UUID, actor: str) -> None:
        if payment_id in self.paid:
            self.trigger_event(self.PaymentReturned, payment_id=payment_id, actor=actor)

    def release_payment(self, payment_id: UUID, actor: str) -> None:
        if payment_id in self.committed:
            self.trigger_event(self.PaymentReleased, payment_id=payment_id, actor=actor)


def payment_status_of(amount_due: Decimal, amount_paid: Decimal) -> PaymentStatus:
    if amount_paid >= amount_due:
        return PaymentStatus.PAID
    if amount_paid > ZERO:
        return PaymentStatus.PARTIALLY_PAID
    return PaymentStatus.UNPAID


def erp_sync_status_of(erp_ref: str | None) -> ErpSyncStatus:
    return ErpSyncStatus.SYNCED if erp_ref else ErpSyncStatus.NOT_SYNCED
