"""Aggregates in the states the unit tests start from, and their history replayed.

Everything here is in memory: aggregates are built through their own commands, and "rebuilt"
replays the events they collected, as the repository would after reading them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import drawdown
from domain.check_numbers import CheckNumberSet
from domain.company import Company
from domain.disbursement import Disbursement
from domain.funding_account import FundingAccount
from domain.invoice import Invoice
from domain.invoice_payment import InvoicePayment

COMPANY = "acme-builders"
APPROVER = "alice.approver"
DISBURSER = "dan.disburser"
ACCOUNTANT = "ann.accountant"
BANK = "bank-webhook"

A = TypeVar("A", bound=Aggregate)


def received_invoice(
    amount_due: object = "1000.00", number: str = "INV-1", company_id: str = COMPANY
) -> Invoice:
    return Invoice.receive(
        company_id=company_id,
        invoice_number=number,
        vendor_id="vendor-1",
        vendor_name="Steel Subcontractor LLC",
        erp_vendor_id="erp-vendor-1",
        project="Tower A",
        amount_due=amount_due,
        actor="invoice-management",
    )


def approved_invoice(
    amount_due: object = "1000.00", number: str = "INV-1", approver: str = APPROVER
) -> Invoice:
    invoice = received_invoice(amount_due, number)
    invoice.approve(approver)
    return invoice


def approved_invoices(count: int, amount_due: object = "1000.00") -> list[Invoice]:
    return [approved_invoice(amount_due, number=f"INV-{i}") for i in range(1, count + 1)]


def configured_company(
    connector: str = "quickbooks_online", connection: object = None, company_id: str = COMPANY
) -> Company:
    """A company enrolled, its ERP configured with payment record sync on."""
    company = Company.enroll(company_id, "payments-admin")
    company.configure_erp(
        connector=connector,
        payment_record_sync_enabled=True,
        override_subcontractor_invoice_number=False,
        erp_base_url=None,
        connection=connection,
        actor=ACCOUNTANT,
    )
    return company


def opened_account(
    next_check_number: object = 1001, nickname: str = "Operating", bank_id: str = "35"
) -> FundingAccount:
    return FundingAccount.open(
        company_id=COMPANY,
        nickname=nickname,
        bank_id=bank_id,
        next_check_number=next_check_number,
        actor="payments-admin",
    )


def drafted(account: FundingAccount, payments: Sequence[tuple[Invoice, object]]) -> Disbursement:
    return drawdown.draft_disbursement(
        name="Week 12", account=account, payments=payments, actor=DISBURSER
    )


def authorized(
    account: FundingAccount, invoices: Sequence[Invoice], amount: object = "1000.00"
) -> Disbursement:
    disbursement = drafted(account, [(invoice, amount) for invoice in invoices])
    drawdown.authorize(disbursement, account, by_id(invoices), DISBURSER)
    return disbursement


def funded(
    account: FundingAccount,
    invoices: Sequence[Invoice],
    *,
    sync: bool = True,
    amount: object = "1000.00",
) -> Disbursement:
    disbursement = authorized(account, invoices, amount)
    drawdown.complete_funding(
        disbursement,
        by_id(invoices),
        funded_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        payment_record_sync_enabled=sync,
        actor=BANK,
    )
    return disbursement


def by_id(invoices: Sequence[Invoice]) -> dict[UUID, Invoice]:
    return {invoice.id: invoice for invoice in invoices}


def only_payment(disbursement: Disbursement) -> InvoicePayment:
    (payment,) = disbursement.payments.values()
    return payment


def rebuilt(aggregate: A) -> A:
    """The aggregate as its collected events rebuild it (this collects its pending events)."""
    first, *rest = aggregate.collect_events()
    copy = first.mutate(None)
    for event in rest:
        copy = event.mutate(copy)
    assert isinstance(copy, type(aggregate))
    return copy


def state_of(value: object) -> Any:
    """A comparable picture of an aggregate: its attributes, down through its entities."""
    if isinstance(value, dict):
        return {key: state_of(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [state_of(item) for item in value]
    if isinstance(value, Aggregate | InvoicePayment | CheckNumberSet):
        return {
            name: state_of(item) for name, item in vars(value).items() if name != "_pending_events"
        }
    assert isinstance(value, str | int | Decimal | UUID | datetime | Enum | None) or (
        hasattr(value, "__dataclass_fields__")
    ), f"state_of does not know how to compare {value!r}"
    return value
