"""What QuickBooks Online does with a Bill or BillPayment: checks it against its books, keeps it.

Each command runs in one store transaction: a refusal writes nothing, an acceptance writes the
record and, for a payment, takes its lines off the linked bills' open balances.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from typing import Any

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


def create_bill(store: SandboxStore, raw: bytes) -> Answer:
    with store.transaction():
        try:
            request = read_bill(raw)
            check_vendor_exists(store, request.vendor_id)
        except QboFault as fault:
            return fault.answer()
        erp_ref, now = store.next_ref(CONNECTOR), qbo_time()
        document = bill_entity(erp_ref, request, now)
        store.add_bill(
            Bill(
                connector=CONNECTOR,
                erp_ref=erp_ref,
                doc_number=request.doc_number,
                erp_vendor_id=request.vendor_id,
                amount=request.total,
                balance=request.total,
                txn_date=request.txn_date,
                private_note=request.private_note,
                created_at=now,
                document=document,
            )
        )
        return Answer(status=200, body={"Bill": document, "time": now})


def create_bill_payment(store: SandboxStore, raw: bytes) -> Answer:
    with store.transaction():
        try:
            request = read_bill_payment(raw)
            check_vendor_exists(store, request.vendor_id)
            check_bank_account_exists(store, request.bank_id)
            bills = linked_bills(store, request)
            check_doc_number_is_free(store, request)
            check_lines_fit_open_balances(request, bills)
        except QboFault as fault:
            return fault.answer()
        erp_ref, now = store.next_ref(CONNECTOR), qbo_time()
        document = bill_payment_entity(erp_ref, request, now)
        store.add_payment(
            Payment(
                connector=CONNECTOR,
                erp_ref=erp_ref,
                check_number=request.doc_number,
                bank_id=request.bank_id,
                erp_vendor_id=request.vendor_id,
                amount=request.total,
                lines=tuple(PaymentLine(line.bill_ref, line.amount) for line in request.lines),
                txn_date=request.txn_date,
                private_note=request.private_note,
                created_at=now,
                document=document,
            )
        )
        return Answer(status=200, body={"BillPayment": document, "time": now})


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


def check_vendor_exists(store: SandboxStore, vendor_id: str) -> None:
    if not store.has_vendor(vendor_id):
        raise QboFault(
            INVALID_REFERENCE_ID,
            f"Invalid Reference Id : Names element id {vendor_id} not found",
            "VendorRef",
        )


def check_bank_account_exists(store: SandboxStore, bank_id: str) -> None:
    if not store.has_bank_account(bank_id):
        raise QboFault(
            INVALID_REFERENCE_ID,
            f"Invalid Reference Id : Accounts element id {bank_id} not found"
            " (no such bank account)",
            "CheckPayment.BankAccountRef",
        )


def linked_bills(store: SandboxStore, request: BillPaymentIn) -> dict[str, Bill]:
    """The bills the payment's lines link to; each must exist and be owed to the same vendor."""
    bills: dict[str, Bill] = {}
    for line in request.lines:
        found = store.bills(connector=CONNECTOR, erp_ref=line.bill_ref)
        if not found:
            raise QboFault(
                INVALID_REFERENCE_ID,
                f"Invalid Reference Id : Bill element id {line.bill_ref} not found",
                "LinkedTxn",
            )
        (bill,) = found
        if bill.erp_vendor_id != request.vendor_id:
            raise QboFault(
                BUSINESS_VALIDATION,
                f"Bill {bill.erp_ref} is owed to vendor {bill.erp_vendor_id},"
                f" not to {request.vendor_id}",
                "LinkedTxn",
            )
        bills[bill.erp_ref] = bill
    return bills


def check_doc_number_is_free(store: SandboxStore, request: BillPaymentIn) -> None:
    """A Ref No. is used once per bank account, by a check keyed in or a bill payment."""
    number, bank_id = request.doc_number, request.bank_id
    if number is None:
        return
    if store.has_check(bank_id, number):
        holder = "a Check keyed into the ERP"
    elif payments := store.payments(bank_id=bank_id, check_number=number):
        holder = f"TxnType=BillPayment with TxnId={payments[0].erp_ref}"
    else:
        return
    raise QboFault(
        DUPLICATE_DOCUMENT_NUMBER,
        "Duplicate Document Number Error : You must specify a different number. This number"
        f" has already been used. DocNumber={number} on bank account {bank_id} is assigned"
        f" to {holder}",
        "DocNumber",
    )


def check_lines_fit_open_balances(request: BillPaymentIn, bills: dict[str, Bill]) -> None:
    applied: defaultdict[str, Decimal] = defaultdict(Decimal)
    for line in request.lines:
        applied[line.bill_ref] += line.amount
    for bill_ref, amount in applied.items():
        balance = bills[bill_ref].balance
        if amount > balance:
            raise QboFault(
                BUSINESS_VALIDATION,
                f"The payment amount {amount} applied to bill {bill_ref} exceeds its open"
                f" balance {balance}",
                "Line.Amount",
            )
