"""The rules that span a disbursement, the invoices it pays and the account it pays from.

Each function takes the aggregates it decides over and changes them together; the application
saves them in one transaction, so either all of a step is recorded or none of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID, uuid4

from domain.disbursement import Disbursement
from domain.funding_account import FundingAccount
from domain.invoice import Invoice
from domain.invoice_payment import PaymentLine
from domain.money import positive_money


def payment_line(invoice: Invoice, amount: Decimal | str) -> PaymentLine:
    """A new payment of `amount` toward an approved invoice, within what is still open."""
    checked = positive_money(amount)
    invoice.check_can_pay(checked)
    return PaymentLine(
        payment_id=uuid4(),
        invoice_id=invoice.id,
        amount=checked,
        invoice_number=invoice.erp_invoice_number or invoice.invoice_number,
        vendor_name=invoice.vendor_name,
        erp_vendor_id=invoice.erp_vendor_id,
        erp_bill_ref=invoice.erp_ref,
        bill_amount=invoice.amount_due,
    )


def draft_disbursement(
    *,
    name: str,
    account: FundingAccount,
    payments: Sequence[tuple[Invoice, Decimal | str]],
    actor: str,
) -> Disbursement:
    """A draft paying each invoice the amount given, from an active funding account."""
    account.check_is_active()
    return Disbursement.draft(
        company_id=account.company_id,
        name=name,
        funding_account_id=account.id,
        lines=[payment_line(invoice, amount) for invoice, amount in payments],
        actor=actor,
    )


def add_payment(
    disbursement: Disbursement, invoice: Invoice, amount: Decimal | str, actor: str
) -> UUID:
    """Pay one more invoice from a draft; returns the new payment's id."""
    line = payment_line(invoice, amount)
    disbursement.add_payment(line, actor)
    return line.payment_id


def change_amount(
    disbursement: Disbursement,
    invoice: Invoice,
    payment_id: UUID,
    amount: Decimal | str,
    actor: str,
) -> None:
    """A draft's payment may be changed to any amount still open on its invoice."""
    checked = positive_money(amount)
    invoice.check_can_pay(checked)
    disbursement.change_amount(payment_id, checked, actor)


def authorize(
    disbursement: Disbursement,
    account: FundingAccount,
    invoices: Mapping[UUID, Invoice],
    actor: str,
) -> None:
    """Request funding: every rule checked again, amounts set aside, check numbers issued.

    The one who approved an invoice may not authorize its payment (separation of duties), and
    amounts are checked against the invoices as they are now, since other disbursements may
    have paid them since the draft.
    """
    disbursement.check_is_draft()
    account.check_is_active()
    for payment in disbursement.payments.values():
        invoice = invoices[payment.invoice_id]
        invoice.check_not_approved_by(actor)
        invoice.commit_payment(payment.id, payment.amount, actor, disbursement.id)
    numbers = account.issue_check_numbers(disbursement.id, len(disbursement.payments), actor)
    disbursement.authorize(numbers, account.bank_id, actor)


def complete_funding(
    disbursement: Disbursement,
    invoices: Mapping[UUID, Invoice],
    *,
    funded_at: datetime,
    payment_record_sync_enabled: bool,
    actor: str,
) -> None:
    """The drawdown landed: the invoices count the payments, and the export becomes due."""
    disbursement.complete_funding(funded_at, payment_record_sync_enabled, actor)
    for payment in disbursement.payments.values():
        invoices[payment.invoice_id].complete_payment(payment.id, actor)


def fail_funding(
    disbursement: Disbursement, invoices: Mapping[UUID, Invoice], reason: str, actor: str
) -> None:
    """The drawdown failed: the amounts set aside are open on the invoices again."""
    disbursement.fail_funding(reason, actor)
    for payment in disbursement.payments.values():
        invoices[payment.invoice_id].release_payment(payment.id, actor)


def return_payout(
    disbursement: Disbursement, invoice: Invoice, payment_id: UUID, reason: str, actor: str
) -> None:
    """A returned payout: the invoice owes the amount again; the ERP record stays."""
    disbursement.return_payout(payment_id, reason, actor)
    invoice.return_payment(payment_id, actor)
