"""A short payment history in two companies, for the audit tests to read and tamper with."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.payments.payments import Payments


@dataclass(frozen=True)
class History:
    account_id: UUID
    invoice_id: UUID
    disbursement_id: UUID
    other_company_account_id: UUID


def record_history(payments: Payments, company: str = "acme", other: str = "globex") -> History:
    """acme: an account, an invoice approved by ann, a disbursement drafted and authorized by
    pat; globex, in between: an account of its own."""
    account = payments.open_funding_account(
        company, nickname="Operating", bank_id="1001", next_check_number=100, actor="ann"
    )
    invoice = payments.receive_invoice(
        company,
        actor="intake",
        invoice_number="INV-7",
        vendor_id="v-42",
        vendor_name="Rebar Co",
        erp_vendor_id="V042",
        project="Tower A",
        amount_due="1000.00",
    )
    other_account = payments.open_funding_account(
        other, nickname="Main", bank_id="2002", next_check_number=1, actor="zed"
    )
    payments.approve_invoice(company, invoice, "ann")
    disbursement = payments.draft_disbursement(
        company,
        name="Nov run",
        funding_account_id=account,
        payments=[(invoice, "400.00")],
        actor="pat",
    )
    payments.authorize(company, disbursement, "pat")
    return History(account, invoice, disbursement, other_account)
