"""Subcontractor invoices: received, approved, synced to the ERP as bills."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel

from application.copying import fields_of
from application.payments.queries import InvoiceSnapshot
from application.read_models.directory import InvoiceRow, InvoicesQuery
from domain.invoice import ErpSyncStatus, PaymentStatus
from interfaces.api.deps import (
    AdminOrApprover,
    InvoiceIntake,
    InvoiceSyncDep,
    PaymentsDep,
    Reader,
    ReadModelsDep,
)
from interfaces.api.fields import CompanyId, Identifier, Money, Name, QueryText, StrictBody
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.row_bodies import listed_page, page_model
from interfaces.api.versions import versioned_router

router = versioned_router("/v1/companies/{company_id}/invoices", "invoices")


class InvoiceIn(StrictBody):
    invoice_number: Identifier
    vendor_id: Identifier
    vendor_name: Name
    erp_vendor_id: Identifier
    project: Name
    amount_due: Money
    commitment: Identifier | None = None
    retainage: Money | None = None


InvoicesBody = page_model(InvoiceSnapshot, "Invoices")


def listed(row: InvoiceRow) -> dict[str, object]:
    """The row as the invoice's `GET` shows it: the page model parses the row's text."""
    return fields_of(
        InvoiceSnapshot,
        row,
        id=row.invoice_id,
        approved=row.approved_by is not None,
        received_on=row.received_at,
    )


@router.get("", response_model=InvoicesBody)
def list_invoices(
    company_id: CompanyId,
    caller: Reader,
    read_models: ReadModelsDep,
    vendor_id: QueryText = None,
    payment_status: PaymentStatus | None = None,
    erp_sync_status: ErpSyncStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> BaseModel:
    """The company's invoices in the order they were received, filtered by vendor, payment
    status and ERP sync status (from a read model, current within milliseconds)."""
    query = InvoicesQuery(vendor_id, payment_status, erp_sync_status)
    page = read_models.directory.invoices(company_id, query, cursor, limit)
    return listed_page(InvoicesBody, page, listed)


@router.post("", status_code=201, response_model=InvoiceSnapshot)
def receive(
    company_id: CompanyId, body: InvoiceIn, caller: InvoiceIntake, payments: PaymentsDep
) -> InvoiceSnapshot:
    fields = body.model_dump(exclude_none=True)
    invoice_id = payments.receive_invoice(company_id, actor=caller.subject, **fields)
    return payments.invoice(company_id, invoice_id)


@router.get("/{invoice_id}", response_model=InvoiceSnapshot)
def read(
    company_id: CompanyId, invoice_id: UUID, caller: Reader, payments: PaymentsDep
) -> InvoiceSnapshot:
    return payments.invoice(company_id, invoice_id)


@router.post("/{invoice_id}/approve", response_model=InvoiceSnapshot)
def approve(
    company_id: CompanyId, invoice_id: UUID, caller: AdminOrApprover, payments: PaymentsDep
) -> InvoiceSnapshot:
    return payments.approve_invoice(company_id, invoice_id, caller.subject)


@router.post("/{invoice_id}/erp-sync", response_model=InvoiceSnapshot)
def sync_to_erp(
    company_id: CompanyId, invoice_id: UUID, caller: AdminOrApprover, sync: InvoiceSyncDep
) -> InvoiceSnapshot:
    """Export the approved invoice to the ERP as a bill; payments toward it can then export."""
    return sync.sync(company_id, invoice_id, caller.subject)
