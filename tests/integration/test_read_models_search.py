"""Searching the payment records by vendor, invoice or check number, in the read model's SQL:
the whole list is searched, in pages, and a search's own % and _ are taken as typed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from application.payments.payments import Payments
from application.read_models.payment_records import PaymentRecord, PaymentRecordsView
from domain.invoice_payment import ExportStatus
from infrastructure.settings import Settings
from tests.integration.payment_world import BANK, COMPANY, DISBURSER, PaymentWorld
from tests.integration.read_model_views import follow, opened
from tests.integration.test_read_models_pagination import pages_after


def funded_for_vendors(world: PaymentWorld, *vendors: str) -> None:
    """One funded disbursement paying one invoice of each vendor named."""
    payments, company = world.payments, world.company
    chosen = []
    for n, vendor in enumerate(vendors):
        invoice = payments.receive_invoice(
            company, actor="intake", invoice_number=f"X-{n}", vendor_id=f"x-{n}",
            vendor_name=vendor, erp_vendor_id="V9", project="Tower A", amount_due="10.00",
        )  # fmt: skip
        payments.approve_invoice(company, invoice, "ann")
        chosen.append((invoice, "10.00"))
    disbursement = payments.draft_disbursement(
        company, name="Odd names", funding_account_id=world.accounts[0], payments=chosen,
        actor=DISBURSER,
    )  # fmt: skip
    payments.authorize(company, disbursement, DISBURSER)
    payments.complete_funding(company, disbursement, datetime(2026, 11, 25, tzinfo=UTC), BANK)


@contextmanager
def searchable(settings: Settings, payments: Payments) -> Iterator[PaymentRecordsView]:
    """Six records of Rebar Co (checks 100-105), then 50% Off_Supply and 500 Off Supply."""
    world = PaymentWorld(payments)
    world.configure(0, sync=False)
    world.funded_disbursement(invoices=6)
    funded_for_vendors(world, "50% Off_Supply", "500 Off Supply")
    with opened(settings, "payment_records") as view:
        assert isinstance(view, PaymentRecordsView)
        follow(payments, "payment_records", view)
        yield view


def found(view: PaymentRecordsView, search: str, limit: int = 100) -> list[PaymentRecord]:
    first = view.page(COMPANY, None, None, limit, search)
    return [
        *first.items,
        *pages_after(lambda c: view.page(COMPANY, None, c, limit, search), first.next_cursor),
    ]


def test_a_search_finds_records_by_vendor_invoice_or_check_number_in_any_case(
    settings: Settings, payments: Payments
) -> None:
    with searchable(settings, payments) as view:
        assert {r.vendor_name for r in found(view, "rEBAR")} == {"Rebar Co"}
        assert [r.invoice_number for r in found(view, "x-1")] == ["X-1"]
        assert [r.check_number for r in found(view, "104")] == [104]
        assert found(view, "no such vendor") == []


def test_a_search_pages_through_the_whole_list_in_the_lists_order(
    settings: Settings, payments: Payments
) -> None:
    with searchable(settings, payments) as view:
        everything = view.page(COMPANY, None, None, 100).items
        expected = [r.payment_id for r in everything if r.vendor_name == "Rebar Co"]

        paged = found(view, "Rebar", limit=2)

        assert [r.payment_id for r in paged] == expected
        assert len(expected) == 6
        # The last of them is past the first page of the unsearched list.
        assert expected[-1] not in [r.payment_id for r in view.page(COMPANY, None, None, 2).items]


def test_a_searchs_percent_and_underscore_are_taken_as_typed_not_as_wildcards(
    settings: Settings, payments: Payments
) -> None:
    with searchable(settings, payments) as view:
        assert [r.vendor_name for r in found(view, "50%")] == ["50% Off_Supply"]
        assert [r.vendor_name for r in found(view, "f_s")] == ["50% Off_Supply"]
        assert [r.vendor_name for r in found(view, "0 off")] == ["500 Off Supply"]
        assert found(view, "\\") == []


def test_a_search_keeps_to_the_export_status_asked_for(
    settings: Settings, payments: Payments
) -> None:
    with searchable(settings, payments) as view:
        failed = view.page(COMPANY, ExportStatus.FAILED_TO_EXPORT, None, 100, "Rebar")
        listed = view.page(COMPANY, ExportStatus.SYNC_DISABLED, None, 100, "Rebar")
        assert failed.items == ()
        assert len(listed.items) == 6
