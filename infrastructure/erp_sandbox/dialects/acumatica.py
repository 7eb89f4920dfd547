"""Acumatica's contract-based REST API (endpoint Default/22.200.001), with session login.

`POST /entity/auth/login` opens a session (a cookie); entity requests without one get 401.
`PUT .../Bill` and `PUT .../Check` create records, every field wrapped as `{"value": ...}`;
`GET .../Check?$filter=Description eq '...'` finds checks (or `CashAccount eq '...'`, or the
Payments of a period: `Type eq 'Payment' and ApplicationDate ge datetimeoffset'...' and
ApplicationDate le datetimeoffset'...'`, paged with `$top` and `$skip`), each as the store
holds it now, edits made in the ERP included. A refusal is HTTP 422 with the
entity sent back and an `error` on each field at fault, as Acumatica answers; the API has no
request id, so a client looks a record up before it creates one.

The same ERP as paysync's connector speaks to it: infrastructure/erp/acumatica.py.
"""

from __future__ import annotations

import json
import re
import secrets
from functools import partial
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from infrastructure.erp_sandbox import dialect, ledger
from infrastructure.erp_sandbox.ledger import BillIn, PaymentIn, Refusal, Rule
from infrastructure.erp_sandbox.records import Payment, PaymentLine
from infrastructure.erp_sandbox.storage import SandboxStore

CONNECTOR = "acumatica"
ENDPOINT = "/entity/Default/22.200.001"
SESSION_COOKIE = ".ASPXAUTH"
POLICY = ledger.Policy(refuses_duplicate_check_numbers=True, allows_partial_payments=True)

# Which field of the Check carries the error for each rule.
FIELD_AT_FAULT = {
    Rule.UNKNOWN_VENDOR: ("Vendor", "'Vendor' cannot be found in the system."),
    Rule.UNKNOWN_BANK_ACCOUNT: ("CashAccount", "'Cash Account' cannot be found in the system."),
    Rule.UNKNOWN_BILL: ("Details.ReferenceNbr", "'Reference Nbr.' cannot be found in the system."),
    Rule.BILL_OF_ANOTHER_VENDOR: ("Details.ReferenceNbr", "The bill belongs to another vendor."),
    Rule.CHECK_NUMBER_IN_USE: ("PaymentRef", "The document with this reference number exists."),
    Rule.OVER_OPEN_BALANCE: ("Details.AmountPaid", "The amount paid exceeds the balance."),
    Rule.PARTIAL_PAYMENT: ("Details.AmountPaid", "Only payments in full are accepted."),
}
FILTER = re.compile(r"^(?P<field>Description|CashAccount) eq '(?P<value>(?:[^']|'')*)'$")
DATED = re.compile(
    r"^Type eq 'Payment'"
    r" and ApplicationDate ge datetimeoffset'(?P<since>\d{4}-\d\d-\d\d)'"
    r" and ApplicationDate le datetimeoffset'(?P<until>\d{4}-\d\d-\d\d)'$"
)


CONNECTION_FIELDS = {
    "tenant": "paysync-sandbox",
    "username": "paysync",
    "password_ref": "sandbox",
    "expense_account": "60000",
}


def router(store: SandboxStore) -> APIRouter:
    routes = APIRouter(tags=["Acumatica"])
    sessions: set[str] = set()  # a restart logs everyone out, as a real server would

    @routes.post("/entity/auth/login")
    async def login(request: Request) -> Response:
        body = dialect.json_object(await request.body())
        if not (body.get("name") and body.get("password")):
            return JSONResponse({"message": "Invalid credentials."}, status_code=401)
        token = secrets.token_hex(16)
        sessions.add(token)
        response = Response(status_code=204)
        response.set_cookie(SESSION_COOKIE, token, httponly=True)
        return response

    def logged_in(request: Request) -> bool:
        return request.cookies.get(SESSION_COOKIE) in sessions

    for entity, create in (("/Bill", create_bill), ("/Check", create_check)):
        dialect.add_json_route(
            routes, "PUT", ENDPOINT + entity, logged_in, _not_logged_in, partial(create, store)
        )

    @routes.get(ENDPOINT + "/Check")
    async def get_checks(request: Request) -> Response:
        if not logged_in(request):
            return _not_logged_in()
        params = request.query_params
        dated = DATED.match(params.get("$filter", ""))
        if dated is not None:
            found = await anyio.to_thread.run_sync(
                store.payments_paid, CONNECTOR, dated["since"], dated["until"]
            )
            skip, top = params.get("$skip", "0"), params.get("$top", str(len(found)))
            if not (skip.isdigit() and top.isdigit()):
                return JSONResponse({"message": "$top and $skip must be counts"}, 400)
            return JSONResponse([check(p) for p in found[int(skip) : int(skip) + int(top)]])
        match = FILTER.match(params.get("$filter", ""))
        if match is None:
            return JSONResponse(
                {"message": "Only $filter=Description eq '...' or CashAccount eq '...'"}, 400
            )
        value = match["value"].replace("''", "'")
        if match["field"] == "CashAccount":
            numbers = await anyio.to_thread.run_sync(ledger.check_numbers, store, value)
            return JSONResponse(
                [{"CashAccount": {"value": value}, "PaymentRef": {"value": n}} for n in numbers]
            )
        return JSONResponse(await dialect.noted_payments(store, CONNECTOR, value, check))

    return routes


def check(payment: Payment) -> dict[str, Any]:
    """The Check as Acumatica shows it: what was put, with what the ERP holds now."""

    def wrapped(value: object) -> dict[str, object]:
        return {"value": value}

    return {
        **payment.document,
        "id": entity_id(payment.erp_ref),
        "Type": wrapped("Payment"),
        "ReferenceNbr": wrapped(payment.erp_ref),
        "Vendor": wrapped(payment.erp_vendor_id),
        "CashAccount": wrapped(payment.bank_id),
        "PaymentRef": wrapped(payment.check_number),
        "PaymentAmount": wrapped(float(payment.amount)),
        "ApplicationDate": wrapped(f"{payment.txn_date}T00:00:00+00:00"),
        "Description": wrapped(payment.private_note),
    }


def entity_id(erp_ref: str) -> str:
    """The entity's GUID, as Acumatica gives every record one (from the sandbox's own id)."""
    return f"00000000-0000-0000-0000-{int(erp_ref):012d}"


def create_bill(store: SandboxStore, body: dict[str, Any]) -> Response:
    try:
        bill = BillIn(
            doc_number=_value(body, "VendorRef"),
            vendor_id=_required(body, "Vendor"),
            amount=dialect.money(_value(body, "Amount")),
            txn_date=_required(body, "Date")[:10],
            note=_value(body, "Description"),
        )
        held = ledger.create_bill(
            store, CONNECTOR, bill, lambda ref: {**body, "ReferenceNbr": {"value": ref}}
        )
    except Refusal as refusal:
        return _refused(body, refusal)
    return JSONResponse(held.document)


def create_check(store: SandboxStore, body: dict[str, Any]) -> Response:
    try:
        details = body.get("Details") or []
        lines = tuple(
            PaymentLine(
                _required(detail, "ReferenceNbr"), dialect.money(_value(detail, "AmountPaid"))
            )
            for detail in details
            if isinstance(detail, dict)
        )
        if not lines:
            raise Refusal(Rule.MALFORMED, "Details must apply the check to a bill")
        payment = PaymentIn(
            check_number=_value(body, "PaymentRef"),
            bank_id=_required(body, "CashAccount"),
            vendor_id=_required(body, "Vendor"),
            lines=lines,
            txn_date=_required(body, "ApplicationDate")[:10],
            note=_value(body, "Description"),
        )

        def document(ref: str) -> dict[str, Any]:
            return {
                **body,
                "id": entity_id(ref),
                "ReferenceNbr": {"value": ref},
                "Status": {"value": "Closed"},
            }

        held = ledger.create_payment(store, CONNECTOR, payment, POLICY, document)
    except Refusal as refusal:
        return _refused(body, refusal)
    return JSONResponse(held.document)


def _refused(body: dict[str, Any], refusal: Refusal) -> Response:
    if refusal.rule is Rule.MALFORMED:
        return JSONResponse(
            {"message": "An error has occurred.", "exceptionMessage": refusal.detail}, 400
        )
    field, words = FIELD_AT_FAULT[refusal.rule]
    echoed = json.loads(json.dumps(body))
    if field.startswith("Details."):
        name = field.removeprefix("Details.")
        target = echoed["Details"][0]
    else:
        name, target = field, echoed
    target[name] = {**(target.get(name) or {}), "error": f"{words} {refusal.detail}"}
    return JSONResponse(echoed, status_code=422)


def _not_logged_in() -> Response:
    return JSONResponse({"message": "You are not logged in."}, status_code=401)


def _value(body: dict[str, Any], name: str) -> str | None:
    field = body.get(name)
    value = field.get("value") if isinstance(field, dict) else None
    return None if value is None else str(value)


def _required(body: dict[str, Any], name: str) -> str:
    return dialect.required(_value(body, name), f"'{name}'")


DIALECT = dialect.Dialect(CONNECTOR, "/entity/", router, CONNECTION_FIELDS)
