"""A frozen record built from the objects that hold its fields, by name (application/copying.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from application.copying import copied
from application.payments.queries import InvoiceSnapshot
from tests.unit.builders import received_invoice


@dataclass(frozen=True)
class Named:
    invoice_number: str
    vendor_name: str
    approved: bool


def test_a_record_of_one_aggregate_reads_each_field_from_it_and_the_given_ones_as_given() -> None:
    invoice = received_invoice()
    invoice.approve("ann")

    record = copied(Named, invoice, approved=False)
    snapshot = InvoiceSnapshot.of(invoice)

    assert record == Named(invoice.invoice_number, invoice.vendor_name, approved=False)
    assert (snapshot.id, snapshot.version, snapshot.approved) == (invoice.id, invoice.version, True)
    assert snapshot.amount_due == invoice.amount_due


def test_a_field_no_source_holds_is_refused() -> None:
    with pytest.raises(AttributeError):
        copied(Named, received_invoice())  # an invoice has no `approved`
