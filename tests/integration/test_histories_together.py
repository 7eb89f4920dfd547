"""Many aggregates' histories read in one statement, on each store, as each reads alone; and
a save's events written as the library would write them."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from application.payments.payments import Payments
from application.ports import ReadsHistoriesTogether
from domain.disbursement import DisbursementStatus
from domain.invoice import Invoice
from tests.integration.test_payments_application import (
    BANK,
    COMPANY,
    DISBURSER,
    approved_invoice,
    configure,
    draft,
    open_account,
)
from tests.unit.builders import state_of


def authorized(payments: Payments, invoices: int, paid: list[int]) -> tuple[list[UUID], UUID]:
    """`invoices` approved invoices, and a disbursement of those numbered in `paid`, authorized."""
    configure(payments)
    account = open_account(payments)
    ids = [approved_invoice(payments, number=f"INV-{n}") for n in range(invoices)]
    disbursement = draft(payments, account, [(ids[n], "250.00") for n in paid])
    payments.authorize(COMPANY, disbursement, DISBURSER)
    return ids, disbursement


def test_the_histories_of_many_aggregates_read_together_are_each_ones_own(
    payments: Payments,
) -> None:
    invoices, _ = authorized(payments, 3, paid=[0, 2])  # histories of two lengths
    recorder = payments.recorder
    assert isinstance(recorder, ReadsHistoriesTogether)

    together = recorder.select_events_of([invoices[2], uuid4(), *invoices[:2]])

    assert together == [
        event
        for invoice in sorted(invoices, key=lambda i: i.hex)
        for event in recorder.select_events(invoice)
    ]
    assert {event.originator_id for event in together} == set(invoices)


def test_histories_read_after_known_versions_hold_only_the_events_after_them(
    payments: Payments,
) -> None:
    invoices, _ = authorized(payments, 3, paid=[0, 2])
    recorder = payments.recorder
    assert isinstance(recorder, ReadsHistoriesTogether)
    first, unpaid, last = (list(recorder.select_events(i)) for i in invoices)

    together = recorder.select_events_of(invoices, after={invoices[0]: 2, invoices[1]: 99})

    expected = {invoices[0]: first[2:], invoices[1]: [], invoices[2]: last}
    assert len(first) > 2
    assert unpaid
    assert together == [e for i in sorted(invoices, key=lambda i: i.hex) for e in expected[i]]


def test_invoices_kept_by_one_process_are_brought_up_to_date_with_what_another_saved(
    payments: Payments,
) -> None:
    invoices, disbursement_id = authorized(payments, 3, paid=[0, 1, 2])
    kept = payments._loaded_together(Invoice, COMPANY, invoices)  # this process keeps these
    other = Payments(payments.env)  # another process, on the same store
    try:
        other.complete_funding(COMPANY, disbursement_id, funded_at=datetime.now(UTC), actor=BANK)
    finally:
        other.close()

    loaded = payments._loaded_together(Invoice, COMPANY, invoices)

    assert not any(invoice.paid for invoice in kept.values())
    assert all(invoice.paid for invoice in loaded.values())
    assert {i: v.version for i, v in loaded.items()} == {
        i: len(list(payments.recorder.select_events(i))) for i in invoices
    }


def test_a_change_a_command_made_and_never_saved_does_not_reach_the_next_load(
    payments: Payments,
) -> None:
    invoices, _ = authorized(payments, 2, paid=[0, 1])
    before = {
        i: state_of(v) for i, v in payments._loaded_together(Invoice, COMPANY, invoices).items()
    }
    changed = payments._loaded_together(Invoice, COMPANY, invoices)
    for invoice in changed.values():
        invoice.record_synced("erp-1", "never saved", "someone")  # and then the command fails

    again = payments._loaded_together(Invoice, COMPANY, invoices)

    assert {i: state_of(v) for i, v in again.items()} == before
    assert all(v.version < changed[i].version for i, v in again.items())


def test_a_disbursements_invoices_loaded_together_are_the_invoices_loaded_one_by_one(
    payments: Payments,
) -> None:
    invoices, disbursement_id = authorized(payments, 4, paid=[0, 1, 2, 3])
    payments.complete_funding(COMPANY, disbursement_id, funded_at=datetime.now(UTC), actor=BANK)
    disbursement = payments.disbursement(COMPANY, disbursement_id)
    assert disbursement.status is DisbursementStatus.FUNDING_COMPLETE

    fresh = Payments(payments.env)  # nothing cached: each one by one reads the store
    try:
        one_by_one = {i: fresh._get(Invoice, COMPANY, i) for i in invoices}
        together = payments._loaded_together(Invoice, COMPANY, invoices)
    finally:
        fresh.close()
    assert list(together) == invoices
    assert {i: state_of(v) for i, v in together.items()} == {
        i: state_of(v) for i, v in one_by_one.items()
    }
    assert all(invoice.paid for invoice in together.values())


def test_a_saves_events_are_stored_as_given_in_order_and_a_repeated_version_stores_none(
    payments: Payments,
) -> None:
    recorder = payments.recorder
    first, second = uuid4(), uuid4()
    saved = [
        StoredEvent(first, 1, "tests:One", bytes(range(256))),  # every byte value, zeros too
        StoredEvent(second, 1, "tests:Two", b""),
        StoredEvent(first, 2, "tests:One", b"\\x00'\"{}"),  # what text escaping would trip on
    ]
    before = recorder.max_notification_id() or 0

    ids = recorder.insert_events(saved)

    notifications = recorder.select_notifications(start=before + 1, limit=10)
    assert [n.id for n in notifications] == list(range(before + 1, before + 4))
    assert ids == [n.id for n in notifications]
    assert [(n.originator_id, n.originator_version, n.topic, n.state) for n in notifications] == [
        (e.originator_id, e.originator_version, e.topic, e.state) for e in saved
    ]
    assert recorder.select_events(first) == [saved[0], saved[2]]

    with pytest.raises(IntegrityError):
        recorder.insert_events([StoredEvent(second, 2, "tests:Two", b"new"), saved[1]])
    assert recorder.max_notification_id() == before + 3
    assert recorder.select_events(second) == [saved[1]]
