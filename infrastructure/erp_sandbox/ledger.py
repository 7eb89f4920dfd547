"""The rules every ERP of the sandbox enforces, whichever dialect the request came in.

A dialect parses its ERP's request into a `BillIn` or `PaymentIn`, asks the ledger, and turns
a `Refusal` into its ERP's own error format. The rules are the connector table's: unknown
vendor, bank account or bill; a bill owed to another vendor; more than the open balance; a
check number used on the bank account (where the ERP refuses one); a partial payment (where
the ERP refuses one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from infrastructure.erp_sandbox.records import Bill, Payment, PaymentLine
from infrastructure.erp_sandbox.storage import SandboxStore


class Rule(StrEnum):
    UNKNOWN_VENDOR = "unknown_vendor"
    UNKNOWN_BANK_ACCOUNT = "unknown_bank_account"
    UNKNOWN_BILL = "unknown_bill"
    BILL_OF_ANOTHER_VENDOR = "bill_of_another_vendor"
    CHECK_NUMBER_IN_USE = "check_number_in_use"
    OVER_OPEN_BALANCE = "over_open_balance"
    PARTIAL_PAYMENT = "partial_payment"
    MALFORMED = "malformed"


class Refusal(Exception):
    """The ERP will not take the request; `detail` says why in plain words.

    `facts` names what the rule found (`vendor`, `bank`, `bill`, `owner`, `number`, `held_by`,
    `amount`, `balance`), for a dialect whose ERP words its refusals around them."""

    def __init__(self, rule: Rule, detail: str, **facts: str) -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail
        self.facts = facts


@dataclass(frozen=True)
class BillIn:
    doc_number: str | None
    vendor_id: str
    amount: Decimal
    txn_date: str
    note: str | None


@dataclass(frozen=True)
class PaymentIn:
    check_number: str | None
    bank_id: str
    vendor_id: str
    lines: tuple[PaymentLine, ...]
    txn_date: str
    note: str | None  # dialects that look up before they create keep the key here

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class Policy:
    """What differs between ERPs in the rules: which of them the ERP applies."""

    refuses_duplicate_check_numbers: bool = True
    allows_partial_payments: bool = True


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def create_bill(
    store: SandboxStore,
    connector: str,
    bill: BillIn,
    document: Callable[[str], dict[str, Any]] = lambda ref: {},
    created_at: str | None = None,  # the stamp the ERP's document shows, if it has one
) -> Bill:
    with store.transaction():
        _vendor_exists(store, bill.vendor_id)
        erp_ref = store.next_ref(connector)
        held = Bill(
            connector=connector,
            erp_ref=erp_ref,
            doc_number=bill.doc_number,
            erp_vendor_id=bill.vendor_id,
            amount=bill.amount,
            balance=bill.amount,
            txn_date=bill.txn_date,
            private_note=bill.note,
            created_at=created_at or now(),
            document=document(erp_ref),
        )
        store.add_bill(held)
        return held


def create_payment(
    store: SandboxStore,
    connector: str,
    payment: PaymentIn,
    policy: Policy,
    document: Callable[[str], dict[str, Any]] = lambda ref: {},
    created_at: str | None = None,  # the stamp the ERP's document shows, if it has one
) -> Payment:
    """Checks the payment against the books and keeps it, all in one transaction."""
    with store.transaction():
        _vendor_exists(store, payment.vendor_id)
        if not store.has_bank_account(payment.bank_id):
            raise Refusal(
                Rule.UNKNOWN_BANK_ACCOUNT,
                f"bank account {payment.bank_id} does not exist",
                bank=payment.bank_id,
            )
        bills = _linked_bills(store, connector, payment)
        if policy.refuses_duplicate_check_numbers:
            _check_number_is_free(store, payment)
        _fits_open_balances(payment, bills, policy)
        return _keep_payment(store, connector, payment, document, created_at or now())


def _keep_payment(
    store: SandboxStore,
    connector: str,
    payment: PaymentIn,
    document: Callable[[str], dict[str, Any]],
    created_at: str,
) -> Payment:
    erp_ref = store.next_ref(connector)
    held = Payment(
        connector=connector,
        erp_ref=erp_ref,
        check_number=payment.check_number,
        bank_id=payment.bank_id,
        erp_vendor_id=payment.vendor_id,
        amount=payment.total,
        lines=payment.lines,
        txn_date=payment.txn_date,
        private_note=payment.note,
        created_at=created_at,
        document=document(erp_ref),
    )
    store.add_payment(held)
    return held


def _vendor_exists(store: SandboxStore, vendor_id: str) -> None:
    if not store.has_vendor(vendor_id):
        raise Refusal(Rule.UNKNOWN_VENDOR, f"vendor {vendor_id} does not exist", vendor=vendor_id)


def _linked_bills(store: SandboxStore, connector: str, payment: PaymentIn) -> dict[str, Bill]:
    bills: dict[str, Bill] = {}
    for line in payment.lines:
        found = store.bills(connector=connector, erp_ref=line.bill_ref)
        if not found:
            raise Refusal(
                Rule.UNKNOWN_BILL, f"bill {line.bill_ref} does not exist", bill=line.bill_ref
            )
        (bill,) = found
        if bill.erp_vendor_id != payment.vendor_id:
            raise Refusal(
                Rule.BILL_OF_ANOTHER_VENDOR,
                f"bill {bill.erp_ref} is owed to vendor {bill.erp_vendor_id},"
                f" not to {payment.vendor_id}",
                bill=bill.erp_ref,
                owner=bill.erp_vendor_id,
                vendor=payment.vendor_id,
            )
        bills[bill.erp_ref] = bill
    return bills


def _check_number_is_free(store: SandboxStore, payment: PaymentIn) -> None:
    """A check number is used once per bank account, by a check keyed in or a payment record
    (`held_by` is the record's erp_ref, empty for a check keyed in)."""
    number, bank_id = payment.check_number, payment.bank_id
    if number is None:
        return
    if store.has_check(bank_id, number):
        held_by = ""
    elif payments := store.payments(bank_id=bank_id, check_number=number):
        held_by = payments[0].erp_ref
    else:
        return
    raise Refusal(
        Rule.CHECK_NUMBER_IN_USE,
        f"check number {number} is already used on bank account {bank_id}",
        number=number,
        bank=bank_id,
        held_by=held_by,
    )


def _fits_open_balances(payment: PaymentIn, bills: dict[str, Bill], policy: Policy) -> None:
    applied: defaultdict[str, Decimal] = defaultdict(Decimal)
    for line in payment.lines:
        applied[line.bill_ref] += line.amount
    for bill_ref, amount in applied.items():
        balance = bills[bill_ref].balance
        facts = {"amount": str(amount), "bill": bill_ref, "balance": str(balance)}
        if amount > balance:
            raise Refusal(
                Rule.OVER_OPEN_BALANCE,
                f"the amount {amount} applied to bill {bill_ref} exceeds its open balance"
                f" {balance}",
                **facts,
            )
        if amount < balance and not policy.allows_partial_payments:
            raise Refusal(
                Rule.PARTIAL_PAYMENT,
                f"the amount {amount} leaves bill {bill_ref} partly open ({balance} owed):"
                " this ERP takes only payments in full",
                **facts,
            )


def mark_for_check_run(
    store: SandboxStore,
    connector: str,
    request_id: str,
    vendor_id: str,
    line: PaymentLine,
    codes: dict[str, str],
) -> Payment:
    """Marks a bill for the ERP's own check run (Sage 300 CRE): no check is written, the
    whole open amount is committed to the run. A request id marks once."""
    with store.transaction():
        done = store.payments(connector=connector, private_note=request_id)
        if done:
            return done[0]
        _vendor_exists(store, vendor_id)
        mark = PaymentIn(None, CHECK_RUN, vendor_id, (line,), now()[:10], request_id)
        bills = _linked_bills(store, connector, mark)
        _fits_open_balances(mark, bills, Policy(allows_partial_payments=False))
        return _keep_payment(store, connector, mark, lambda ref: dict(codes), now())


CHECK_RUN = "(check run)"  # a mark is drawn on no bank account until the run prints it


def check_numbers(store: SandboxStore, bank_id: str) -> list[str]:
    """Every check number used on the bank account: keyed in by hand or written by any ERP
    request (the bank account is one, whichever dialect wrote the check)."""
    written = [p.check_number for p in store.payments(bank_id=bank_id) if p.check_number]
    return sorted({*store.checks(bank_id), *written})
