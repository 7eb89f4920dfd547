"""What QuickBooks Online does with a Bill or BillPayment: checks it against its books, keeps it.

The books' rules are the ledger's, as for every ERP of the sandbox; a refusal is answered in
QuickBooks Online's Fault, worded as it words them. Each command runs in one store transaction:
a refusal writes nothing, an acceptance writes the record and, for a payment, takes its lines
off the linked bills' open balances.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from infrastructure.erp_sandbox import ledger
from infrastructure.erp_sandbox.ledger import Refusal, Rule
from infrastructure.erp_sandbox.quickbooks_online.entities import (
    bill_entity,
    bill_payment_entity,
    bill_view,
    check_purchase_entity,
)
from infrastructure.erp_sandbox.quickbooks_online.fault import (
    BUSINESS_VALIDATION,
    DUPLICATE_DOCUMENT_NUMBER,
    INVALID_REFERENCE_ID,
    QboFault,
    qbo_time,
)
from infrastructure.erp_sandbox.quickbooks_online.payloads import (
    BillPaymentIn,
    read_bill,
    read_bill_payment,
)
from infrastructure.erp_sandbox.quickbooks_online.query import parse_query
from infrastructure.erp_sandbox.records import Answer, Bill, Payment, PaymentLine
from infrastructure.erp_sandbox.storage import SandboxStore

CONNECTOR = "quickbooks_online"
POLICY = ledger.Policy(refuses_duplicate_check_numbers=True, allows_partial_payments=True)
# Per rule the ledger applies here: the Fault's code, its words around the rule's facts, and
# the element at fault (`holder` says which record holds a Ref No. already used).
FAULTS = {
    Rule.UNKNOWN_VENDOR: (
        INVALID_REFERENCE_ID,
        "Invalid Reference Id : Names element id {vendor} not found",
        "VendorRef",
    ),
    Rule.UNKNOWN_BANK_ACCOUNT: (
        INVALID_REFERENCE_ID,
        "Invalid Reference Id : Accounts element id {bank} not found (no such bank account)",
        "CheckPayment.BankAccountRef",
    ),
    Rule.UNKNOWN_BILL: (
        INVALID_REFERENCE_ID,
        "Invalid Reference Id : Bill element id {bill} not found",
        "LinkedTxn",
    ),
    Rule.BILL_OF_ANOTHER_VENDOR: (
        BUSINESS_VALIDATION,
        "Bill {bill} is owed to vendor {owner}, not to {vendor}",
        "LinkedTxn",
    ),
    Rule.CHECK_NUMBER_IN_USE: (
        DUPLICATE_DOCUMENT_NUMBER,
        "Duplicate Document Number Error : You must specify a different number. This number"
        " has already been used. DocNumber={number} on bank account {bank} is assigned"
        " to {holder}",
        "DocNumber",
    ),
    Rule.OVER_OPEN_BALANCE: (
        BUSINESS_VALIDATION,
        "The payment amount {amount} applied to bill {bill} exceeds its open balance {balance}",
        "Line.Amount",
    ),
}


def create_bill(store: SandboxStore, raw: bytes) -> Answer:
    def keep(now: str) -> Bill:
        request = read_bill(raw)
        bill = ledger.BillIn(
            request.doc_number,
            request.vendor_id,
            request.total,
            request.txn_date,
            request.private_note,
        )
        return ledger.create_bill(
            store, CONNECTOR, bill, lambda ref: bill_entity(ref, request, now), now
        )

    return _created("Bill", keep)


def create_bill_payment(store: SandboxStore, raw: bytes) -> Answer:
    def keep(now: str) -> Payment:
        request = read_bill_payment(raw)
        payment = ledger.PaymentIn(
            request.doc_number,
            request.bank_id,
            request.vendor_id,
            tuple(PaymentLine(line.bill_ref, line.amount) for line in request.lines),
            request.txn_date,
            request.private_note,
        )
        return ledger.create_payment(
            store,
            CONNECTOR,
            payment,
            POLICY,
            lambda ref: bill_payment_entity(ref, request, now),
            now,
        )

    return _created("BillPayment", keep)


def _created(name: str, keep: Callable[[str], Bill | Payment]) -> Answer:
    """The record `keep` made, stamped now, as QuickBooks Online answers it; or its Fault."""
    now = qbo_time()
    try:
        held = keep(now)
    except QboFault as fault:
        return fault.answer()
    except Refusal as refusal:
        return fault_of(refusal).answer()
    return Answer(status=200, body={name: held.document, "time": now})


def run_query(store: SandboxStore, text: str) -> Answer:
    try:
        query = parse_query(text)
    except QboFault as fault:
        return fault.answer()
    ref, number = query.equal_to("Id"), query.equal_to("DocNumber")
    found: list[dict[str, object]]
    if query.entity == "Bill":
        bills = store.bills(connector=CONNECTOR, erp_ref=ref, doc_number=number)
        found = query.page([bill_view(bill) for bill in bills])
    elif query.entity == "Purchase":
        checks = store.every_check()
        found = query.page(
            [check_purchase_entity(str(row), bank, number) for row, bank, number in checks]
        )
    else:
        payments = store.payments(connector=CONNECTOR, erp_ref=ref, check_number=number)
        found = query.page([payment.document for payment in payments])
    # QuickBooks Online leaves the entity out altogether when nothing matches.
    response = (
        {query.entity: found, "startPosition": query.start_position, "maxResults": len(found)}
        if found
        else {}
    )
    return Answer(status=200, body={"QueryResponse": response, "time": qbo_time()})


def edit_bill_payment(
    store: SandboxStore,
    erp_ref: str,
    *,
    amount: Decimal | None = None,
    check_number: str | None = None,
    bank_id: str | None = None,
) -> Payment | None:
    """Someone edits a BillPayment in QuickBooks Online by hand; None when there is none."""
    with store.transaction():
        found = store.payments(connector=CONNECTOR, erp_ref=erp_ref)
        if not found:
            return None
        (payment,) = found
        document = dict(payment.document)
        if amount is not None:
            payment = replace(payment, amount=amount)
            document["TotalAmt"] = float(amount)
        if check_number is not None:
            payment = replace(payment, check_number=check_number)
            document["DocNumber"] = check_number
        if bank_id is not None:
            payment = replace(payment, bank_id=bank_id)
            document["CheckPayment"] = {
                **document.get("CheckPayment", {}),
                "BankAccountRef": {"value": bank_id},
            }
        payment = replace(payment, document=document)
        store.replace_payment(payment)
        return payment


def keyed_in_bill_payment(payment: Payment) -> dict[str, Any]:
    """The BillPayment entity of a record keyed in by hand (Pay Bills, no note): the one the
    sandbox holds, in QuickBooks Online's shape."""
    keyed = BillPaymentIn(
        vendor_ref={"value": payment.erp_vendor_id},
        check_payment={"BankAccountRef": {"value": payment.bank_id}},
        doc_number=payment.check_number,
        txn_date=payment.txn_date,
        total=payment.amount,
        private_note=None,
        lines=(),
    )
    return bill_payment_entity(payment.erp_ref, keyed, payment.created_at)


def copy_bill_payment(store: SandboxStore, erp_ref: str) -> Payment | None:
    """Someone keys the same BillPayment in again by hand: a second record, its own Id."""
    with store.transaction():
        found = store.payments(connector=CONNECTOR, erp_ref=erp_ref)
        if not found:
            return None
        new_ref = store.next_ref(CONNECTOR)
        copy = replace(found[0], erp_ref=new_ref, document={**found[0].document, "Id": new_ref})
        store.add_payment(copy)
        return copy


def fault_of(refusal: Refusal) -> QboFault:
    """The ledger's refusal in QuickBooks Online's words, around what the rule found."""
    code, words, element = FAULTS[refusal.rule]
    held_by = refusal.facts.get("held_by")
    holder = (
        f"TxnType=BillPayment with TxnId={held_by}" if held_by else "a Check keyed into the ERP"
    )
    return QboFault(code, words.format(**refusal.facts, holder=holder), element)
