"""CMiC's REST API (Oracle ADF business-component style): AP vouchers and manual cheques.

`POST /ap-rest-api/rest/1/apvoucher` records a voucher (the bill); `POST .../apmanualcheque`
records a manual cheque (ChqNum on bank account ChqAccCode of bank company ChqBankCompCode,
ChqAmt, ChqDate, one ApManualChequeDetail per voucher paid); `GET .../apmanualcheque?q=...`
finds cheques by their memo, their bank account, or their date (`ChqDate>='...' and
ChqDate<='...'`, paged with `limit` and `offset`, at most 500 a page, answering `hasMore`).
A cheque is answered as the store holds it now, edits made in the ERP included. Basic
authentication. A refusal is HTTP 400 with the ADF error
body: `o:errorDetails`, each with `detail`, `o:errorCode` and `o:errorPath`.

The same ERP as paysync's connector speaks to it: infrastructure/erp/cmic.py.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from infrastructure.erp_sandbox import dialect, ledger
from infrastructure.erp_sandbox.ledger import BillIn, PaymentIn, Refusal, Rule
from infrastructure.erp_sandbox.records import Payment, PaymentLine, money_text
from infrastructure.erp_sandbox.storage import SandboxStore

CONNECTOR = "cmic"
PREFIX = "/ap-rest-api/rest/1"
MEDIA_TYPE = "application/vnd.oracle.adf.resourceitem+json"
POLICY = ledger.Policy(refuses_duplicate_check_numbers=True, allows_partial_payments=True)
ERRORS = {
    Rule.UNKNOWN_VENDOR: ("AP-VEN-001", "ChqVenCode"),
    Rule.UNKNOWN_BANK_ACCOUNT: ("AP-BNK-002", "ChqAccCode"),
    Rule.UNKNOWN_BILL: ("AP-VOU-003", "ApManualChequeDetail/VouNum"),
    Rule.BILL_OF_ANOTHER_VENDOR: ("AP-VOU-004", "ApManualChequeDetail/VouNum"),
    Rule.CHECK_NUMBER_IN_USE: ("AP-CHQ-005", "ChqNum"),
    Rule.OVER_OPEN_BALANCE: ("AP-CHQ-006", "ApManualChequeDetail/PaidAmt"),
    Rule.PARTIAL_PAYMENT: ("AP-CHQ-007", "ApManualChequeDetail/PaidAmt"),
    Rule.MALFORMED: ("ADF-REST-400", ""),
}
QUERY = re.compile(r"^(?P<field>ChqMemo|ChqAccCode)='(?P<value>(?:[^']|'')*)'$")
DATED = re.compile(
    r"^ChqDate>='(?P<since>\d{4}-\d\d-\d\d)' and ChqDate<='(?P<until>\d{4}-\d\d-\d\d)'$"
)
MOST_ROWS = 500


CONNECTION_FIELDS = {
    "company_code": "ZZ",
    "bank_company_code": "ZZ",
    "username": "paysync",
    "password_ref": "sandbox",
}


def router(store: SandboxStore) -> APIRouter:
    routes = APIRouter(prefix=PREFIX, tags=["CMiC"])

    for path, create in (("/apvoucher", create_voucher), ("/apmanualcheque", create_cheque)):
        dialect.add_json_route(
            routes, "POST", path, _authenticated, _unauthorized, partial(create, store)
        )

    @routes.get("/apmanualcheque")
    async def find_cheques(request: Request) -> Response:
        if not _authenticated(request):
            return _unauthorized()
        query = request.query_params.get("q", "")
        dated = DATED.match(query)
        if dated is not None:
            period = (dated["since"], dated["until"])
            try:
                page = await dialect.paid_page(
                    store, CONNECTOR, period, request.query_params, cheque, MOST_ROWS
                )
            except Refusal as refusal:
                return _error(refusal)
            return JSONResponse(page)
        match = QUERY.match(query)
        if match is None:
            return _error(
                Refusal(Rule.MALFORMED, "only q=ChqMemo=, q=ChqAccCode= or q=ChqDate>= and <=")
            )
        value = match["value"].replace("''", "'")
        if match["field"] == "ChqAccCode":
            numbers = await anyio.to_thread.run_sync(ledger.check_numbers, store, value)
            cheques = [{"ChqAccCode": value, "ChqNum": number} for number in numbers]
            return JSONResponse({"items": cheques, "count": len(cheques), "hasMore": False})
        items = await dialect.noted_payments(store, CONNECTOR, value, cheque)
        return JSONResponse({"items": items, "count": len(items), "hasMore": False})

    return routes


def cheque(payment: Payment) -> dict[str, Any]:
    """The manual cheque as CMiC shows it: what was posted, with what the ERP holds now."""
    return {
        **payment.document,
        "ChqId": payment.erp_ref,
        "ChqNum": payment.check_number,
        "ChqAccCode": payment.bank_id,
        "ChqVenCode": payment.erp_vendor_id,
        "ChqAmt": money_text(payment.amount),
        "ChqDate": payment.txn_date,
        "ChqMemo": payment.private_note,
    }


def create_voucher(store: SandboxStore, body: dict[str, Any]) -> Response:
    try:
        bill = BillIn(
            doc_number=_text(body, "VouInvNum"),
            vendor_id=_required(body, "VouVenCode"),
            amount=dialect.money(body.get("VouAmt")),
            txn_date=_required(body, "VouInvDate")[:10],
            note=_text(body, "VouDesc"),
        )
        held = ledger.create_bill(store, CONNECTOR, bill, lambda ref: {**body, "VouNum": ref})
    except Refusal as refusal:
        return _error(refusal)
    return JSONResponse(held.document, status_code=201, media_type=MEDIA_TYPE)


def create_cheque(store: SandboxStore, body: dict[str, Any]) -> Response:
    try:
        details = body.get("ApManualChequeDetail") or []
        lines = tuple(
            PaymentLine(_required(detail, "VouNum"), dialect.money(detail.get("PaidAmt")))
            for detail in details
            if isinstance(detail, dict)
        )
        if not lines:
            raise Refusal(Rule.MALFORMED, "ApManualChequeDetail must name a voucher")
        cheque = PaymentIn(
            check_number=_required(body, "ChqNum"),
            bank_id=_required(body, "ChqAccCode"),
            vendor_id=_required(body, "ChqVenCode"),
            lines=lines,
            txn_date=_required(body, "ChqDate")[:10],
            note=_text(body, "ChqMemo"),
        )
        if dialect.money(body.get("ChqAmt")) != cheque.total:
            raise Refusal(Rule.MALFORMED, "ChqAmt must equal the sum of the details' PaidAmt")
        held = ledger.create_payment(
            store, CONNECTOR, cheque, POLICY, lambda ref: {**body, "ChqId": ref}
        )
    except Refusal as refusal:
        return _error(refusal)
    return JSONResponse(held.document, status_code=201, media_type=MEDIA_TYPE)


def _error(refusal: Refusal) -> Response:
    code, path = ERRORS[refusal.rule]
    return JSONResponse(
        {
            "type": "http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1",
            "title": "Bad Request",
            "status": "400",
            "o:errorDetails": [
                {"detail": refusal.detail, "o:errorCode": code, "o:errorPath": path}
            ],
        },
        status_code=400,
        media_type="application/vnd.oracle.adf.error+json",
    )


def _authenticated(request: Request) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "basic" and bool(credentials.strip())


def _unauthorized() -> Response:
    return JSONResponse({"title": "Unauthorized", "status": "401"}, status_code=401)


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return None if value is None else str(value)


def _required(body: dict[str, Any], name: str) -> str:
    return dialect.required(body.get(name), name)


DIALECT = dialect.Dialect(CONNECTOR, PREFIX + "/", router, CONNECTION_FIELDS)
