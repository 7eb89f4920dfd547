"""A command's copy of an aggregate equals it and shares nothing a command could change."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.check_numbers import CheckNumber
from domain.command_copies import IMMUTABLE
from domain.disbursement import Disbursement
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice_payment import ExportRetry
from domain.text import BankId
from tests.unit.builders import (
    ACCOUNTANT,
    approved_invoices,
    configured_company,
    funded,
    opened_account,
    state_of,
)
from tests.unit.test_event_history import whole_history

WORKER = "paysync-export"
STORIES = ("exported", "fixed", "retrying", "by_hand", "failed", "bank_id")


def told(disbursement: Disbursement, account: FundingAccount, stories: list[str]) -> None:
    """Each payment's record through one story of the ERP Integrations tool."""
    for n, (payment, story) in enumerate(
        zip(list(disbursement.payments.values()), stories, strict=True)
    ):
        if story == "exported":
            disbursement.record_export_succeeded(payment.id, 1, "P-1", False, WORKER)
            continue
        if story == "retrying":
            retry = ExportRetry(1, "the ERP did not answer", None, datetime(2024, 5, 2, tzinfo=UTC))
            disbursement.record_retry_scheduled(payment.id, 1, retry, WORKER)
            continue
        disbursement.record_export_failed(
            payment.id, 1, ExportFailureReason.CHECK_NUMBER_IN_USE, "in use", "6140", WORKER
        )
        if story == "fixed":
            typed = account.claim_check_number(payment.id, CheckNumber(90_000 + n), ACCOUNTANT)
            disbursement.edit_check_number(payment.id, typed, ACCOUNTANT)
            disbursement.request_export(payment.id, ACCOUNTANT)
            disbursement.record_export_succeeded(payment.id, 2, "P-2", True, WORKER)
        elif story == "by_hand":
            disbursement.mark_as_exported(payment.id, "P-3", "keyed in", ACCOUNTANT)
        elif story == "bank_id":
            disbursement.edit_bank_id(payment.id, BankId("77"), ACCOUNTANT)


def aggregates(stories: list[str]) -> list[Any]:
    company = configured_company("sage_intacct", connection={"company_id": "acme"})
    account = opened_account()
    invoices = approved_invoices(len(stories))
    disbursement = funded(account, invoices)
    told(disbursement, account, stories)
    for aggregate in (company, account, *invoices, disbursement):
        aggregate.collect_events()  # as the application caches them: saved
    return [company, account, *invoices, disbursement]


def changeable(value: Any, found: dict[int, Any]) -> dict[int, Any]:
    """Every object reachable from `value` that a command could change in place, by id."""
    if value is None or isinstance(value, IMMUTABLE) or id(value) in found:
        return found
    params = getattr(type(value), "__dataclass_params__", None)
    if params is not None and params.frozen:
        for field in dataclasses.fields(value):
            changeable(getattr(value, field.name), found)
        return found
    if not isinstance(value, tuple):
        found[id(value)] = value
    items: Any = value.items() if isinstance(value, dict) else value
    if hasattr(value, "__dict__"):
        items = vars(value).items()
    for item in items:
        changeable(item, found)
    return found


def assert_copied_apart(aggregate: Any) -> None:
    copied = copy.deepcopy(aggregate)
    assert type(copied) is type(aggregate)
    assert state_of(copied) == state_of(aggregate)
    shared = changeable(aggregate, {}).keys() & changeable(copied, {}).keys()
    assert not shared, f"{type(aggregate).__name__} shares {shared} with its copy"


def test_every_aggregate_through_every_event_its_class_defines_is_copied_apart() -> None:
    for aggregate in whole_history():
        aggregate.collect_events()
        assert_copied_apart(aggregate)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(STORIES), min_size=1, max_size=6))
def test_a_copy_for_a_command_equals_the_aggregate_and_shares_nothing_changeable(
    stories: list[str],
) -> None:
    for aggregate in aggregates(stories):
        assert_copied_apart(aggregate)


def test_a_command_on_the_copy_leaves_the_cached_aggregate_as_it_was() -> None:
    _, account, *_, disbursement = aggregates(["failed"])
    before = state_of(disbursement), state_of(account)
    disbursement_copy, account_copy = copy.deepcopy(disbursement), copy.deepcopy(account)
    (payment,) = disbursement_copy.payments.values()
    typed = account_copy.claim_check_number(payment.id, CheckNumber(90_001), ACCOUNTANT)
    disbursement_copy.edit_check_number(payment.id, typed, ACCOUNTANT)
    disbursement_copy.request_export(payment.id, ACCOUNTANT)
    assert (state_of(disbursement), state_of(account)) == before
    assert state_of(disbursement_copy) != before[0]
    assert state_of(account_copy) != before[1]


def test_an_attribute_of_an_unknown_kind_is_copied_whole() -> None:
    (*_, disbursement) = aggregates(["exported"])
    disbursement.notes = {"seen": {1, 2}}  # a set inside: not a kind the copy knows
    copied = copy.deepcopy(disbursement)
    assert copied.notes == {"seen": {1, 2}}
    assert copied.notes["seen"] is not disbursement.notes["seen"]
