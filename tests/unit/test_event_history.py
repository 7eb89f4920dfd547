"""The history itself: every event names who caused it, and replaying it rebuilds the aggregate."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from eventsourcing.domain import Aggregate

from domain import drawdown
from domain.company import Company
from domain.disbursement import Disbursement
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice import Invoice
from domain.invoice_payment import ExportRetry
from domain.money import positive_money
from tests.unit.builders import (
    ACCOUNTANT,
    BANK,
    DISBURSER,
    approved_invoice,
    approved_invoices,
    authorized,
    by_id,
    configured_company,
    drafted,
    opened_account,
    rebuilt,
    state_of,
)

AGGREGATES = [Company, FundingAccount, Invoice, Disbursement]


def event_classes(aggregate_class: type[Aggregate]) -> Iterator[type[Aggregate.Event]]:
    for name, value in vars(aggregate_class).items():
        if (
            isinstance(value, type)
            and issubclass(value, Aggregate.Event)
            and name not in {"Event", "Created"}
        ):
            yield value


def every_event_class() -> list[type[Aggregate.Event]]:
    return [event for kind in AGGREGATES for event in event_classes(kind)]


@pytest.mark.parametrize("event_class", every_event_class(), ids=lambda c: c.__qualname__)
def test_every_kind_of_event_carries_an_actor(event_class: type[Aggregate.Event]) -> None:
    assert "actor" in {field.name for field in dataclasses.fields(event_class)}


def whole_history() -> list[Aggregate]:
    """One of each aggregate, taken through every event its class defines."""
    company = configured_company(company_id="acme")
    account = opened_account(next_check_number=100)
    company.list_funding_account(account.id, account.nickname, account.bank_id, "payments-admin")
    account.rename("Operating 2", "payments-admin")
    account.change_bank_id("36", "payments-admin")
    account.change_next_check_number(200, "payments-admin")
    account.verify("payments-admin")

    synced = approved_invoice("100.00", number="INV-S")
    synced.record_synced("bill-1", "INV-S", "erp-sync")
    others = approved_invoices(3, amount_due="100.00")
    disbursement = drafted(account, [(synced, "50.00"), (others[0], "10.00")])
    extra = drawdown.payment_line(others[1], "20.00")
    disbursement.add_payment(extra, DISBURSER)
    disbursement.change_amount(extra.payment_id, positive_money("25.00"), DISBURSER)
    disbursement.remove_payment(extra.payment_id, DISBURSER)
    invoices = by_id([synced, others[0]])
    drawdown.authorize(disbursement, account, invoices, DISBURSER)
    drawdown.complete_funding(
        disbursement,
        invoices,
        funded_at=datetime(2024, 5, 1, tzinfo=UTC),
        payment_record_sync_enabled=True,
        actor=BANK,
    )
    first, second = disbursement.payments.values()
    disbursement.record_sent_to_agent(first.id, 1, "quickbooks_desktop", "ticket-1", "erp-export")
    disbursement.record_export_succeeded(
        first.id, 1, "erp-1", False, "erp-export", "quickbooks_desktop", "RefNumber in use"
    )
    disbursement.record_export_failed(
        second.id, 1, ExportFailureReason.INVOICE_NOT_SYNCED, "no bill", None, "erp-export"
    )
    disbursement.relink(second.id, "bill-2", ACCOUNTANT)
    number = account.claim_check_number(second.id, 5000, ACCOUNTANT)
    disbursement.edit_check_number(second.id, number, ACCOUNTANT)
    disbursement.edit_bank_id(second.id, "37", ACCOUNTANT)
    disbursement.request_export(second.id, ACCOUNTANT)
    disbursement.record_retry_scheduled(
        second.id,
        2,
        ExportRetry(1, "unreachable", None, datetime(2024, 5, 1, 0, 1, tzinfo=UTC)),
        "erp-export",
    )
    disbursement.record_export_failed(
        second.id, 2, ExportFailureReason.ERP_REJECTED, "no", "500", "erp-export"
    )
    disbursement.mark_as_exported(second.id, "QB-2", "keyed by hand", ACCOUNTANT)
    drawdown.return_payout(disbursement, synced, first.id, "R03 no account", BANK)

    canceled = drafted(account, [(others[2], "1.00")])
    canceled.cancel("duplicate", DISBURSER)
    failed_funding = authorized(account, [others[2]], "1.00")
    drawdown.fail_funding(failed_funding, by_id([others[2]]), "returned", BANK)
    account.deactivate("payments-admin")
    return [company, account, synced, others[2], disbursement, canceled, failed_funding]


def test_the_whole_history_covers_every_kind_of_event_and_each_names_its_actor() -> None:
    aggregates = whole_history()
    events = [event for aggregate in aggregates for event in aggregate.collect_events()]
    assert {type(event) for event in events} >= set(every_event_class())
    assert all(isinstance(e.actor, str) and e.actor.strip() for e in events)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "index",
    range(7),
    ids=[
        "company",
        "funding account",
        "paid invoice",
        "released invoice",
        "exported disbursement",
        "canceled disbursement",
        "failed disbursement",
    ],
)
def test_an_aggregate_rebuilt_from_its_events_equals_the_original(index: int) -> None:
    aggregate = whole_history()[index]
    assert state_of(rebuilt(aggregate)) == state_of(aggregate)
