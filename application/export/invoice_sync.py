"""Sending an approved invoice to the company's ERP as a bill, before anyone pays it."""

from __future__ import annotations

from uuid import UUID

from application.errors import ErpSyncFailed, ErpUnreachable, NotFound
from application.payments.payments import Payments
from application.payments.queries import InvoiceSnapshot
from application.ports import BillToExport, ErpConnectors, ErpRefused
from domain.errors import ErpSyncNotConfigured


class InvoiceSync:
    def __init__(self, payments: Payments, connectors: ErpConnectors) -> None:
        self.payments = payments
        self.connectors = connectors

    def sync(self, company_id: str, invoice_id: UUID, actor: str) -> InvoiceSnapshot:
        """Export the invoice as a bill, then relink and export again every payment record
        that failed for want of it; a second sync sends nothing, and only heals.

        With Override Subcontractor Invoice Number on, the ERP gets a number paysync makes
        from the invoice's id, so a number the ERP already holds cannot block the bill.
        """
        invoice = self.payments.invoice(company_id, invoice_id)
        if invoice.erp_ref is not None:
            # Synced already: heal what still waits for it, say when the healing after the
            # first sync was cut short by a crash. The page's Sync invoice is then safe to
            # click again.
            self.payments.heal_records_waiting_for(company_id, invoice_id)
            return invoice
        self.payments.check_can_sync(company_id, invoice_id)
        try:
            settings = self.payments.erp_settings(company_id)
        except NotFound:
            raise ErpSyncNotConfigured(
                "the company has not configured its ERP integration"
            ) from None
        number = (
            f"PS-{invoice_id.hex[:10].upper()}"
            if settings.override_subcontractor_invoice_number
            else invoice.invoice_number
        )
        connector = self.connectors.connector_for(settings.connector, settings.connection)
        answer = connector.export_bill(
            BillToExport(
                invoice_id=invoice.id,
                invoice_number=number,
                erp_vendor_id=invoice.erp_vendor_id,
                vendor_name=invoice.vendor_name,
                project=invoice.project,
                amount=invoice.amount_due,
                invoice_date=invoice.received_on.date(),
                idempotency_key=f"paysync-bill-{invoice.id}",
            )
        )
        if isinstance(answer, ErpRefused):
            if answer.is_transient:
                raise ErpUnreachable(f"the ERP could not be reached: {answer.message}")
            raise ErpSyncFailed(
                f"the ERP refused the invoice: {answer.message}",
                answer.reason.value,
                answer.erp_code,
            )
        synced = self.payments.record_invoice_synced(
            company_id, invoice_id, erp_ref=answer.erp_ref, erp_invoice_number=number, actor=actor
        )
        self.payments.heal_records_waiting_for(company_id, invoice_id)
        return synced
