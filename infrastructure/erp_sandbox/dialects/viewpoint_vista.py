"""Viewpoint Vista through its integration platform (Ryvit): AP transactions and payments.

The request shape is this project's (see ADR 0021), named after Vista's own AP fields:
`POST /ryvit/vista/v1/ap/transactions` enters an AP transaction (APCo, Vendor, APRef the
invoice number, InvDate, GrossAmt) and answers its APTrans; `POST .../ap/payments` records a
payment (CMCo, CMAcct the bank account, CMRef the check number, CMRefSeq 0, PayMethod "C",
Vendor, PaidDate, Amount, and Transactions paid: APTrans and Amount); `GET .../ap/payments?
externalId=...` finds one by the key the client gave, `?cmAcct=...` the checks of a CM
Account, and `?paidDateFrom=...&paidDateTo=...` the payments of a period (paged with `limit`
and `offset`, at most 500 a page, answering `hasMore`), each as the store holds it now.
Vista keeps a CM Reference once per CM Account. A bearer token is required. A refusal is
HTTP 422 with `{"errors": [{"code", "field", "message"}]}`.

The same ERP as paysync's connector speaks to it: infrastructure/erp/viewpoint_vista.py.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from infrastructure.erp_sandbox import dialect, ledger
from infrastructure.erp_sandbox.ledger import BillIn, PaymentIn, Refusal, Rule
from infrastructure.erp_sandbox.records import Payment, PaymentLine, money_text
from infrastructure.erp_sandbox.storage import SandboxStore

CONNECTOR = "viewpoint_vista"
PREFIX = "/ryvit/vista/v1"
MOST_ROWS = 500
POLICY = ledger.Policy(refuses_duplicate_check_numbers=True, allows_partial_payments=True)
ERRORS = {
    Rule.UNKNOWN_VENDOR: ("VENDOR_NOT_FOUND", "Vendor"),
    Rule.UNKNOWN_BANK_ACCOUNT: ("CM_ACCOUNT_NOT_FOUND", "CMAcct"),
    Rule.UNKNOWN_BILL: ("AP_TRANS_NOT_FOUND", "Transactions.APTrans"),
    Rule.BILL_OF_ANOTHER_VENDOR: ("AP_TRANS_OTHER_VENDOR", "Transactions.APTrans"),
    Rule.CHECK_NUMBER_IN_USE: ("CM_REFERENCE_IN_USE", "CMRef"),
    Rule.OVER_OPEN_BALANCE: ("AMOUNT_OVER_OPEN", "Transactions.Amount"),
    Rule.PARTIAL_PAYMENT: ("PARTIAL_NOT_ALLOWED", "Transactions.Amount"),
    Rule.MALFORMED: ("INVALID_REQUEST", ""),
}


CONNECTION_FIELDS = {
    "ap_company": "1",
    "cm_company": "1",
    "vendor_group": "1",
    "api_token_ref": "sandbox",
}


def router(store: SandboxStore) -> APIRouter:
    routes = APIRouter(prefix=PREFIX, tags=["Viewpoint Vista"])

    def authorized(request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and bool(token.strip())

    for path, create in (
        ("/ap/transactions", create_transaction),
        ("/ap/payments", create_payment),
    ):
        dialect.add_json_route(
            routes, "POST", path, authorized, _unauthorized, partial(create, store)
        )

    @routes.get("/ap/payments")
    async def find_payments(
        request: Request,
        externalId: str = "",  # noqa: N803 - the platform's own parameter name
        cmAcct: str = "",  # noqa: N803
        paidDateFrom: str = "",  # noqa: N803
        paidDateTo: str = "",  # noqa: N803
    ) -> Response:
        if not authorized(request):
            return _unauthorized()
        if paidDateFrom or paidDateTo:
            period = (paidDateFrom or "0000", paidDateTo or "9999")
            try:
                page = await dialect.paid_page(
                    store, CONNECTOR, period, request.query_params, payment_view, MOST_ROWS
                )
            except Refusal as refusal:
                return _error(refusal)
            return JSONResponse(page)
        if cmAcct:
            numbers = await anyio.to_thread.run_sync(ledger.check_numbers, store, cmAcct)
            return JSONResponse({"items": [{"CMAcct": cmAcct, "CMRef": n} for n in numbers]})
        found = await dialect.noted_payments(store, CONNECTOR, externalId or None, payment_view)
        return JSONResponse({"items": found})

    return routes


def payment_view(payment: Payment) -> dict[str, Any]:
    """The AP payment as the platform shows it: what was posted, with what Vista holds now."""
    return {
        **payment.document,
        "KeyID": payment.erp_ref,
        "CMAcct": payment.bank_id,
        "CMRef": payment.check_number,
        "Vendor": payment.erp_vendor_id,
        "PaidDate": payment.txn_date,
        "Amount": money_text(payment.amount),
        "ExternalId": payment.private_note,
    }


def create_transaction(store: SandboxStore, body: dict[str, Any]) -> Response:
    try:
        bill = BillIn(
            doc_number=body.get("APRef"),
            vendor_id=dialect.required(body.get("Vendor"), "Vendor"),
            amount=dialect.money(body.get("GrossAmt")),
            txn_date=dialect.required(body.get("InvDate"), "InvDate")[:10],
            note=body.get("Description"),
        )
        held = ledger.create_bill(store, CONNECTOR, bill, lambda ref: {**body, "APTrans": ref})
    except Refusal as refusal:
        return _error(refusal)
    return JSONResponse(held.document, status_code=201)


def create_payment(store: SandboxStore, body: dict[str, Any]) -> Response:
    try:
        if body.get("PayMethod") != "C":
            raise Refusal(Rule.MALFORMED, "PayMethod must be C (check)")
        lines = tuple(
            PaymentLine(
                dialect.required(paid.get("APTrans"), "APTrans"), dialect.money(paid.get("Amount"))
            )
            for paid in body.get("Transactions") or []
            if isinstance(paid, dict)
        )
        if not lines:
            raise Refusal(Rule.MALFORMED, "Transactions must name an AP transaction")
        payment = PaymentIn(
            check_number=dialect.required(body.get("CMRef"), "CMRef"),
            bank_id=dialect.required(body.get("CMAcct"), "CMAcct"),
            vendor_id=dialect.required(body.get("Vendor"), "Vendor"),
            lines=lines,
            txn_date=dialect.required(body.get("PaidDate"), "PaidDate")[:10],
            note=body.get("ExternalId"),
        )
        held = ledger.create_payment(
            store, CONNECTOR, payment, POLICY, lambda ref: {**body, "KeyID": ref}
        )
    except Refusal as refusal:
        return _error(refusal)
    return JSONResponse(held.document, status_code=201)


def _error(refusal: Refusal) -> Response:
    code, field = ERRORS[refusal.rule]
    status = 400 if refusal.rule is Rule.MALFORMED else 422
    return JSONResponse(
        {"errors": [{"code": code, "field": field, "message": refusal.detail}]},
        status_code=status,
    )


def _unauthorized() -> Response:
    return JSONResponse(
        {
            "errors": [
                {"code": "UNAUTHORIZED", "field": "", "message": "a bearer token is required"}
            ]
        },
        status_code=401,
    )


DIALECT = dialect.Dialect(CONNECTOR, PREFIX + "/", router, CONNECTION_FIELDS)
