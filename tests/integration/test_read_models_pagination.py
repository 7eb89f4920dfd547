"""Paging through a read model while new events arrive: no row twice, none skipped."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from application.payments.payments import Payments
from application.read_models.check_register import CheckRegisterView
from application.read_models.paging import InvalidCursor
from application.read_models.payment_records import PaymentRecordsView
from application.read_models.payments_overview import PaymentsOverviewView, PaymentsQuery
from domain.invoice_payment import ExportStatus
from infrastructure.settings import Settings
from tests.integration.payment_world import COMPANY, PaymentWorld
from tests.integration.read_model_views import follow, opened


def test_pages_of_payment_records_stay_stable_while_records_arrive_and_change(
    settings: Settings, payments: Payments
) -> None:
    world = PaymentWorld(payments)
    world.configure(0, sync=True)
    for _ in range(3):
        world.funded_disbursement(invoices=2)
    with opened(settings, "payment_records") as view:
        assert isinstance(view, PaymentRecordsView)
        follow(payments, "payment_records", view)
        before = [r.payment_id for r in view.page(COMPANY, None, None, 100).items]

        first = view.page(COMPANY, None, None, 2)
        # Between pages: records on both sides of the cursor change, and new ones arrive.
        world.export_failed(0)
        world.export_ok(1)
        world.funded_disbursement(invoices=2)
        follow(payments, "payment_records", view)
        rest = pages_after(lambda c: view.page(COMPANY, None, c, 2), first.next_cursor)

        seen = [r.payment_id for r in first.items] + [r.payment_id for r in rest]
        assert len(seen) == len(set(seen)) == len(before) + 2
        assert seen[: len(before)] == before


def test_a_filtered_list_never_skips_a_record_that_kept_its_status_between_pages(
    settings: Settings, payments: Payments
) -> None:
    world = PaymentWorld(payments)
    world.configure(0, sync=True)
    for _ in range(2):
        world.funded_disbursement(invoices=3)
    for _ in range(6):
        world.export_failed(0)
    with opened(settings, "payment_records") as view:
        assert isinstance(view, PaymentRecordsView)
        follow(payments, "payment_records", view)
        failed = ExportStatus.FAILED_TO_EXPORT
        first = view.page(COMPANY, failed, None, 2)
        fixed = first.items[0]
        # The first record on the first page is fixed by hand and leaves the list.
        world.payments.mark_as_exported(
            COMPANY,
            UUID(fixed.disbursement_id),
            UUID(fixed.payment_id),
            erp_payment_ref=None,
            note=None,
            actor="ann",
        )
        follow(payments, "payment_records", view)
        rest = pages_after(lambda c: view.page(COMPANY, failed, c, 2), first.next_cursor)

        assert [r.payment_id for r in rest] == [
            r.payment_id for r in view.page(COMPANY, failed, None, 100).items
        ][1:]


def test_pages_of_the_payments_report_stay_stable_while_drafts_arrive(
    settings: Settings, payments: Payments
) -> None:
    world = PaymentWorld(payments)
    world.open_account(0)
    for pick in range(5):
        world.invoice(pick)
        world.draft(pick)
    with opened(settings, "payments_overview") as view:
        assert isinstance(view, PaymentsOverviewView)
        follow(payments, "payments_overview", view)
        everything = view.payments(COMPANY, PaymentsQuery(), None, 100).items
        first = view.payments(COMPANY, PaymentsQuery(), None, 3)
        world.invoice(0)
        world.draft(9)
        follow(payments, "payments_overview", view)
        rest = pages_after(
            lambda c: view.payments(COMPANY, PaymentsQuery(), c, 3), first.next_cursor
        )
        seen = [r.payment_id for r in (*first.items, *rest)]
        assert seen[: len(everything)] == [r.payment_id for r in everything]
        assert len(seen) == len(set(seen)) > len(everything)


def test_pages_of_a_check_register_stay_in_number_order_while_checks_are_issued(
    settings: Settings, payments: Payments
) -> None:
    world = PaymentWorld(payments)
    world.configure(0, sync=True)
    for _ in range(3):
        world.funded_disbursement(invoices=2)
    account = str(world.accounts[0])
    with opened(settings, "check_register") as view:
        assert isinstance(view, CheckRegisterView)
        follow(payments, "check_register", view)
        first = view.register(COMPANY, account, None, 4)
        assert first is not None
        world.funded_disbursement(invoices=2)
        follow(payments, "check_register", view)

        def page(cursor: str | None) -> Any:
            register = view.register(COMPANY, account, cursor, 4)
            assert register is not None
            return register.entries

        rest = pages_after(page, first.entries.next_cursor)
        numbers = [e.row.check_number for e in (*first.entries.items, *rest)]
        assert numbers == sorted(set(numbers)) == list(range(100, 108))


def test_a_cursor_this_api_did_not_hand_out_is_refused(
    settings: Settings, payments: Payments
) -> None:
    with opened(settings, "payment_records") as view:
        assert isinstance(view, PaymentRecordsView)
        with pytest.raises(InvalidCursor):
            view.page(COMPANY, None, "not a cursor!", 10)


def pages_after(read: Any, cursor: str | None) -> list[Any]:
    """Every row of the pages after `cursor`, following next_cursor to the end."""
    rows: list[Any] = []
    while cursor is not None:
        page = read(cursor)
        rows += page.items
        cursor = page.next_cursor
    return rows
