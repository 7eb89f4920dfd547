"""Subcontractor invoices: received, approved, synced to the ERP as bills."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from application.queries import InvoiceSnapshot
from interfaces.api.deps import AdminOrApprover, InvoiceIntake, InvoiceSyncDep, PaymentsDep, Reader
from interfaces.api.fields import Money

router = APIRouter(prefix="/v1/companies/{company_id}/invoices", tags=["invoices"])


class InvoiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_number: str
    vendor_id: str
    vendor_name: str
    erp_vendor_id: str
    project: str
    amount_due: Money
    commitment: str | None = None
    retainage: Money | None = None


@router.post("", status_code=201, response_model=InvoiceSnapshot)
def receive(
    company_id: str, body: InvoiceIn, caller: InvoiceIntake, payments: PaymentsDep
) -> InvoiceSnapshot:
    fields = body.model_dump(exclude_none=True)
    invoice_id = payments.receive_invoice(company_id, actor=caller.subject, **fields)
    return payments.invoice(company_id, invoice_id)


@router.get("/{invoice_id}", response_model=InvoiceSnapshot)
def read(
    company_id: str, invoice_id: UUID, caller: Reader, payments: PaymentsDep
) -> InvoiceSnapshot:
    return payments.invoice(company_id, invoice_id)


@router.post("/{invoice_id}/approve", response_model=InvoiceSnapshot)
def approve(
    company_id: str, invoice_id: UUID, caller: AdminOrApprover, payments: PaymentsDep
) -> InvoiceSnapshot:
    return payments.approve_invoice(company_id, invoice_id, caller.subject)


@router.post("/{invoice_id}/erp-sync", response_model=InvoiceSnapshot)
def sync_to_erp(
    company_id: str, invoice_id: UUID, caller: AdminOrApprover, sync: InvoiceSyncDep
) -> InvoiceSnapshot:
    """Export the approved invoice to the ERP as a bill; payments toward it can then export."""
    return sync.sync(company_id, invoice_id, caller.subject)
