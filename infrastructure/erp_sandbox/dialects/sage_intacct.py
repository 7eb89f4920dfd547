"""Sage Intacct's XML gateway: one POST per request envelope, answered in its own envelope.

A request is `<request><control>` (sender credentials, a `controlid`, `uniqueid`) and an
`<operation>` with the company login and one `<function>`: `create` of an `APBILL` (a bill)
or an `APPYMT` (an AP payment: FINANCIALENTITY is the checking account, DOCNUMBER the check
number, APPYMTDETAILS the bills paid). With `uniqueid` true a repeated `controlid` of the same
company gets the first answer and the work is not done again. A refusal is a `failure`
result with an `<errormessage>` of `<error>`s (errorno, description, description2,
correction), as Sage Intacct answers. `readByQuery` of APPYMT with the query
`FINANCIALENTITY = '...'` lists the checks on a checking account (FINANCIALENTITY and
DOCNUMBER, whichever fields are asked), hand-keyed ones included; the query
`PAYMENTDATE >= 'MM/DD/YYYY' AND PAYMENTDATE <= 'MM/DD/YYYY'` lists the AP payments of a period
(RECORDNO, FINANCIALENTITY, DOCNUMBER, DESCRIPTION, PAYMENTDATE, TOTALENTERED), as the store
holds them now; `pagesize` rows at a time, and `readMore` with the answer's resultId reads the
next page.

The same ERP as paysync's connector speaks to it: infrastructure/erp/sage_intacct.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response

from infrastructure.erp_sandbox import ledger
from infrastructure.erp_sandbox.dialect import Dialect, respond, xml_answer
from infrastructure.erp_sandbox.ledger import BillIn, PaymentIn, Refusal, Rule
from infrastructure.erp_sandbox.records import Answer, PaymentLine, money_text
from infrastructure.erp_sandbox.storage import SandboxStore

CONNECTOR = "sage_intacct"
PATH = "/ia/xml/xmlgw.phtml"
POLICY = ledger.Policy(refuses_duplicate_check_numbers=True, allows_partial_payments=True)

# The error numbers this sandbox answers with, per rule (Sage Intacct's own style of code).
ERROR_NUMBERS = {
    Rule.UNKNOWN_VENDOR: "BL01001973",
    Rule.UNKNOWN_BANK_ACCOUNT: "BL03002130",
    Rule.UNKNOWN_BILL: "BL03000071",
    Rule.BILL_OF_ANOTHER_VENDOR: "BL03000072",
    Rule.CHECK_NUMBER_IN_USE: "BL03002106",
    Rule.OVER_OPEN_BALANCE: "BL03002160",
    Rule.PARTIAL_PAYMENT: "BL03002161",
    Rule.MALFORMED: "XL03000006",
}
AUTHENTICATION_FAILED = "XL03000006"
CHECKS_QUERY = re.compile(r"^\s*FINANCIALENTITY = '(?P<bank>(?:[^']|'')*)'\s*$")
PERIOD_QUERY = re.compile(
    r"^\s*PAYMENTDATE >= '(?P<since>[0-9/]{10})' AND PAYMENTDATE <= '(?P<until>[0-9/]{10})'\s*$"
)
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000


CONNECTION_FIELDS = {
    "sender_id": "paysync",
    "sender_password_ref": "sandbox",
    "company_id": "paysync-sandbox",
    "user_id": "paysync",
    "user_password_ref": "sandbox",
    "expense_account_no": "6000",
}


def router(store: SandboxStore) -> APIRouter:
    routes = APIRouter(tags=["Sage Intacct"])

    @routes.post(PATH)
    async def gateway(request: Request) -> Response:
        raw = await request.body()
        return respond(await anyio.to_thread.run_sync(partial(handle, store, raw)))

    return routes


def handle(store: SandboxStore, raw: bytes) -> Answer:
    try:
        root = ET.fromstring(raw)  # noqa: S314 - expat refuses entity expansion bombs
    except ET.ParseError as error:
        return envelope("", "failure", errors=[(ERROR_NUMBERS[Rule.MALFORMED], str(error))])
    control_id = root.findtext("control/controlid") or ""
    unique = (root.findtext("control/uniqueid") or "").strip().lower() == "true"
    company = root.findtext("operation/authentication/login/companyid") or ""
    if not (root.findtext("control/senderid") and root.findtext("control/password")) or not (
        root.findtext("operation/authentication/login/password") and company
    ):
        return envelope(
            control_id,
            "failure",
            errors=[(AUTHENTICATION_FAILED, "Sign-in information is incorrect")],
        )
    function = root.find("operation/content/function")
    if function is None:
        return envelope(control_id, "failure", errors=[("XL03000006", "no <function>")])
    work = partial(run_function, store, control_id, function)
    if unique and control_id:
        return store.answer_once(CONNECTOR, company, control_id, work)
    return work()


def run_function(store: SandboxStore, control_id: str, function: ET.Element) -> Answer:
    function_id = function.get("controlid", "")
    name = function[0].tag if len(function) else "create"
    try:
        bill = function.find("create/APBILL")
        payment = function.find("create/APPYMT")
        if name in ("readByQuery", "readMore"):
            listed = read_payments(store, function[0])
            return envelope(
                control_id, "success", function_id=function_id, name=name, listed=listed
            )
        if bill is not None:
            held_bill = ledger.create_bill(store, CONNECTOR, read_bill(bill))
            data = f"<apbill><RECORDNO>{held_bill.erp_ref}</RECORDNO></apbill>"
        elif payment is not None:
            held = ledger.create_payment(store, CONNECTOR, read_payment(payment), POLICY)
            data = f"<appymt><RECORDNO>{held.erp_ref}</RECORDNO></appymt>"
        else:
            raise Refusal(Rule.MALFORMED, "only create of APBILL or APPYMT is supported")
    except Refusal as refusal:
        return envelope(
            control_id,
            "success",
            function_id=function_id,
            name=name,
            errors=[(ERROR_NUMBERS[refusal.rule], refusal.detail)],
        )
    return envelope(control_id, "success", function_id=function_id, data=data)


def read_payments(store: SandboxStore, read: ET.Element) -> ET.Element:
    """A page of APPYMTs, as readByQuery or readMore answers it: the checks on a checking
    account, or the AP payments of a period.

    The resultId carries the query and where the next page starts, so the sandbox holds no
    result sets; unlike Sage Intacct's, a page read later sees checks written since.
    """
    if read.tag == "readMore":
        try:
            offset, size, hex_query = (read.findtext("resultId") or "").split("-", 2)
            start, page_size, query = int(offset), int(size), bytes.fromhex(hex_query).decode()
        except ValueError:
            raise Refusal(Rule.MALFORMED, "readMore names no resultId of this company") from None
    else:
        if (read.findtext("object") or "").upper() != "APPYMT":
            raise Refusal(Rule.MALFORMED, "only readByQuery of APPYMT")
        start, query = 0, read.findtext("query") or ""
        size = read.findtext("pagesize") or str(DEFAULT_PAGE_SIZE)
        if not size.strip().isdigit():
            raise Refusal(Rule.MALFORMED, f"pagesize {size!r} is not a number")
        page_size = min(max(int(size), 1), MAX_PAGE_SIZE)
    rows = _rows(store, query)
    page = rows[start : start + page_size]
    remaining = len(rows) - start - len(page)
    data = ET.Element("data", listtype="appymt", count=str(len(page)))
    data.set("totalcount", str(len(rows)))
    data.set("numremaining", str(remaining))
    if remaining:
        data.set("resultId", f"{start + len(page)}-{page_size}-{query.encode().hex()}")
    for fields in page:
        row = ET.SubElement(data, "appymt")
        for name, text in fields.items():
            if text is not None:
                ET.SubElement(row, name).text = text
    return data


def _rows(store: SandboxStore, query: str) -> list[dict[str, str | None]]:
    """The fields of each APPYMT the query finds, oldest first."""
    checks = CHECKS_QUERY.match(query)
    if checks is not None:
        bank = checks["bank"].replace("''", "'")
        numbers = ledger.check_numbers(store, bank)
        return [{"FINANCIALENTITY": bank, "DOCNUMBER": number} for number in numbers]
    period = PERIOD_QUERY.match(query)
    if period is None:
        raise Refusal(
            Rule.MALFORMED,
            "only the queries FINANCIALENTITY = '...' and PAYMENTDATE >= '...' AND"
            " PAYMENTDATE <= '...'",
        )
    found = store.payments_paid(CONNECTOR, _date(period["since"]), _date(period["until"]))
    return [
        {
            "RECORDNO": payment.erp_ref,
            "FINANCIALENTITY": payment.bank_id,
            "DOCNUMBER": payment.check_number,
            "DESCRIPTION": payment.private_note,
            "PAYMENTDATE": _us_date(payment.txn_date),
            "TOTALENTERED": money_text(payment.amount),
        }
        for payment in found
    ]


def read_bill(element: ET.Element) -> BillIn:
    amount = sum(
        (_money(item.findtext("TRX_AMOUNT")) for item in element.iter("APBILLITEM")), Decimal(0)
    )
    return BillIn(
        doc_number=element.findtext("RECORDID"),
        vendor_id=_required(element, "VENDORID"),
        amount=amount,
        txn_date=_date(_required(element, "WHENCREATED")),
        note=element.findtext("DESCRIPTION"),
    )


def read_payment(element: ET.Element) -> PaymentIn:
    lines = tuple(
        PaymentLine(_required(detail, "RECORDKEY"), _money(detail.findtext("TRX_PAYMENTAMOUNT")))
        for detail in element.iter("APPYMTDETAIL")
    )
    if not lines:
        raise Refusal(Rule.MALFORMED, "APPYMTDETAILS must name at least one bill")
    return PaymentIn(
        check_number=element.findtext("DOCNUMBER"),
        bank_id=_required(element, "FINANCIALENTITY"),
        vendor_id=_required(element, "VENDORID"),
        lines=lines,
        txn_date=_date(_required(element, "PAYMENTDATE")),
        note=element.findtext("DESCRIPTION"),
    )


def envelope(
    control_id: str,
    status: str,
    *,
    function_id: str = "",
    name: str = "create",
    data: str | None = None,
    listed: ET.Element | None = None,
    errors: list[tuple[str, str]] | None = None,
) -> Answer:
    """Sage Intacct's response envelope; a function's refusal is a failure `<result>`."""
    response = ET.Element("response")
    control = ET.SubElement(response, "control")
    ET.SubElement(control, "status").text = status
    ET.SubElement(control, "controlid").text = control_id
    ET.SubElement(control, "dtdversion").text = "3.0"
    if status == "failure":
        response.append(_errors(errors or []))
    else:
        operation = ET.SubElement(response, "operation")
        authentication = ET.SubElement(operation, "authentication")
        ET.SubElement(authentication, "status").text = "success"
        result = ET.SubElement(operation, "result")
        ET.SubElement(result, "status").text = "failure" if errors else "success"
        ET.SubElement(result, "function").text = name
        ET.SubElement(result, "controlid").text = function_id
        if errors:
            result.append(_errors(errors))
        elif listed is not None:
            result.append(listed)
        elif data is not None:
            listed = ET.SubElement(result, "data", listtype="objects", count="1")
            listed.append(ET.fromstring(data))  # noqa: S314 - built here
    return xml_answer(200, ET.tostring(response, encoding="unicode"))


def _errors(errors: list[tuple[str, str]]) -> ET.Element:
    message = ET.Element("errormessage")
    for number, detail in errors:
        error = ET.SubElement(message, "error")
        ET.SubElement(error, "errorno").text = number
        ET.SubElement(error, "description")
        ET.SubElement(error, "description2").text = detail
        ET.SubElement(error, "correction")
    return message


def _required(element: ET.Element, name: str) -> str:
    value = (element.findtext(name) or "").strip()
    if not value:
        raise Refusal(Rule.MALFORMED, f"{name} is required")
    return value


def _money(text: str | None) -> Decimal:
    try:
        amount = Decimal((text or "").strip())
    except InvalidOperation:
        raise Refusal(Rule.MALFORMED, f"{text!r} is not an amount") from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise Refusal(Rule.MALFORMED, f"{text!r} is not a positive amount in cents")
    return amount


def _us_date(iso: str) -> str:
    return datetime.strptime(iso, "%Y-%m-%d").strftime("%m/%d/%Y")


def _date(text: str) -> str:
    """Sage Intacct writes dates as MM/DD/YYYY."""
    try:
        return datetime.strptime(text, "%m/%d/%Y").date().isoformat()
    except ValueError:
        raise Refusal(Rule.MALFORMED, f"{text!r} is not a date (MM/DD/YYYY)") from None


DIALECT = Dialect(CONNECTOR, PATH, router, CONNECTION_FIELDS)
