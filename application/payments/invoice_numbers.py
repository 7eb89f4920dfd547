"""An invoice number is the vendor's own, once per company: the ERP refuses a second bill.

Kept as an index aggregate whose id is a uuid5 of company, vendor and number, saved in the same
transaction as the invoice: of two invoices racing with one number only one can be stored.
Numbers compare case-insensitively, as ERPs compare bill numbers.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate


class InvoiceNumber(Aggregate):
    """Vendor `vendor_id`'s invoice `invoice_number` in company `company_id` is taken."""

    class Taken(Aggregate.Created):
        company_id: str
        vendor_id: str
        invoice_number: str
        invoice_id: UUID
        actor: str

    @staticmethod
    def id_for(company_id: str, vendor_id: str, invoice_number: str) -> UUID:
        name = f"{company_id}\n{vendor_id.casefold()}\n{invoice_number.casefold()}"
        return uuid5(NAMESPACE_URL, f"paysync:invoice-number:{name}")

    def __init__(
        self, company_id: str, vendor_id: str, invoice_number: str, invoice_id: UUID, actor: str
    ) -> None:
        self.company_id = company_id
        self.vendor_id = vendor_id
        self.invoice_number = invoice_number
        self.invoice_id = invoice_id

    @classmethod
    def take(
        cls, company_id: str, vendor_id: str, invoice_number: str, invoice_id: UUID, actor: str
    ) -> InvoiceNumber:
        return cls._create(
            cls.Taken,
            id=cls.id_for(company_id, vendor_id, invoice_number),
            company_id=company_id,
            vendor_id=vendor_id,
            invoice_number=invoice_number,
            invoice_id=invoice_id,
            actor=actor,
        )
