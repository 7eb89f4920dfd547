"""The ERP sandbox, over HTTP in its own process: QuickBooks Online's answers, faults, storage."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.fixtures.erp_sandbox import ErpSandbox

COMPANY = "/v3/company/test-realm"
BEARER = {"Authorization": "Bearer test-token"}


def bill_body(
    vendor: str = "V042", amount: float = 1000.00, doc_number: str = "INV-7"
) -> dict[str, Any]:
    return {
        "VendorRef": {"value": vendor, "name": "Rebar Co"},
        "DocNumber": doc_number,
        "TxnDate": "2026-11-24",
        "TotalAmt": amount,
        "PrivateNote": "paysync invoice 1",
        "Line": [
            {
                "Amount": amount,
                "DetailType": "AccountBasedExpenseLineDetail",
                "Description": "Tower A",
                "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "7"}},
            }
        ],
    }


def bill_payment_body(
    bill_id: str,
    check_number: str = "100",
    bank_id: str = "1001",
    vendor: str = "V042",
    amount: float = 1000.00,
) -> dict[str, Any]:
    return {
        "VendorRef": {"value": vendor},
        "PayType": "Check",
        "CheckPayment": {"BankAccountRef": {"value": bank_id}, "PrintStatus": "NotSet"},
        "TotalAmt": amount,
        "DocNumber": check_number,
        "TxnDate": "2026-11-24",
        "PrivateNote": "paysync payment 1",
        "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": bill_id, "TxnType": "Bill"}]}],
    }


def post(
    sandbox: ErpSandbox,
    resource: str,
    body: dict[str, Any],
    request_id: str | None = None,
    client: httpx.Client | None = None,
) -> httpx.Response:
    params = {"minorversion": "75"} | ({"requestid": request_id} if request_id else {})
    return (client or sandbox.client).post(
        f"{COMPANY}/{resource}", params=params, json=body, headers=BEARER
    )


def query(sandbox: ErpSandbox, text: str) -> httpx.Response:
    return sandbox.client.get(f"{COMPANY}/query", params={"query": text}, headers=BEARER)


def the_error(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    fault = response.json()["Fault"]
    assert fault["type"] == "ValidationFault"
    (error,) = fault["Error"]
    return error  # type: ignore[no-any-return]


@pytest.fixture
def sandbox(erp_sandbox: ErpSandbox) -> ErpSandbox:
    """A sandbox ERP that knows bank account 1001 and vendor V042."""
    erp_sandbox.add_bank_account("1001")
    erp_sandbox.add_vendor("V042")
    return erp_sandbox


@pytest.fixture
def bill_id(sandbox: ErpSandbox) -> str:
    """A 1000.00 bill to V042, already in the ERP."""
    response = post(sandbox, "bill", bill_body(), request_id="bill-1")
    assert response.status_code == 200, response.text
    return str(response.json()["Bill"]["Id"])


def test_the_sandbox_answers_its_health_check(erp_sandbox: ErpSandbox) -> None:
    response = erp_sandbox.client.get("/sandbox/health")

    assert response.status_code == 200
    assert response.json()["ok"] is True


def test_a_bill_is_held_with_its_whole_amount_open(sandbox: ErpSandbox) -> None:
    response = post(sandbox, "bill", bill_body(amount=1234.56), request_id="b")

    assert response.status_code == 200
    bill = response.json()["Bill"]
    assert (bill["DocNumber"], bill["TotalAmt"], bill["Balance"]) == ("INV-7", 1234.56, 1234.56)
    assert bill["SyncToken"] == "0"
    assert bill["Line"][0]["Description"] == "Tower A"
    assert "CreateTime" in bill["MetaData"]
    assert sandbox.bills() == [
        {
            "connector": "quickbooks_online",
            "erp_ref": bill["Id"],
            "doc_number": "INV-7",
            "erp_vendor_id": "V042",
            "amount": "1234.56",
            "balance": "1234.56",
            "txn_date": "2026-11-24",
            "private_note": "paysync invoice 1",
            "created_at": bill["MetaData"]["CreateTime"],
        }
    ]


def test_a_bill_payment_links_the_bill_and_lowers_its_open_balance(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    response = post(sandbox, "billpayment", bill_payment_body(bill_id, amount=400.10), "p")

    assert response.status_code == 200, response.text
    payment = response.json()["BillPayment"]
    assert payment["PayType"] == "Check"
    assert payment["CheckPayment"]["BankAccountRef"] == {"value": "1001"}
    assert payment["Line"] == [
        {"Amount": 400.10, "LinkedTxn": [{"TxnId": bill_id, "TxnType": "Bill"}]}
    ]
    (held,) = sandbox.payments()
    assert held["connector"] == "quickbooks_online"
    assert held["erp_ref"] == payment["Id"]
    assert (held["check_number"], held["bank_id"], held["erp_vendor_id"]) == ("100", "1001", "V042")
    assert (held["amount"], held["linked_bills"]) == ("400.10", [bill_id])
    assert (held["txn_date"], held["private_note"]) == ("2026-11-24", "paysync payment 1")
    assert sandbox.bills()[0]["balance"] == "599.90"


def test_a_doc_number_already_used_by_a_check_on_the_bank_account_is_a_6140_fault(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    sandbox.add_check("1001", "100")

    error = the_error(post(sandbox, "billpayment", bill_payment_body(bill_id, "100"), "p"))

    assert (error["code"], error["Message"]) == ("6140", "Duplicate Document Number Error")
    assert error["element"] == "DocNumber"
    assert sandbox.payments() == []


def test_a_doc_number_already_used_by_a_bill_payment_on_the_bank_account_is_a_6140_fault(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    first = post(sandbox, "billpayment", bill_payment_body(bill_id, "100", amount=10.0), "p1")
    assert first.status_code == 200

    error = the_error(
        post(sandbox, "billpayment", bill_payment_body(bill_id, "100", amount=20.0), "p2")
    )

    assert error["code"] == "6140"
    assert len(sandbox.payments()) == 1


def test_the_same_doc_number_on_another_bank_account_is_accepted(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    sandbox.add_bank_account("2002")
    sandbox.add_check("1001", "100")

    response = post(sandbox, "billpayment", bill_payment_body(bill_id, "100", bank_id="2002"), "p")

    assert response.status_code == 200, response.text


def test_an_unknown_bank_account_is_an_invalid_reference_on_the_bank_account_ref(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    error = the_error(post(sandbox, "billpayment", bill_payment_body(bill_id, bank_id="9999"), "p"))

    assert (error["code"], error["Message"]) == ("2500", "Invalid Reference Id")
    assert error["element"] == "CheckPayment.BankAccountRef"
    assert "9999" in error["Detail"]


def test_an_unknown_vendor_is_an_invalid_reference_on_the_vendor_ref(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    bill_error = the_error(post(sandbox, "bill", bill_body(vendor="V999"), "b"))
    payment_error = the_error(
        post(sandbox, "billpayment", bill_payment_body(bill_id, vendor="V999"), "p")
    )

    assert (bill_error["code"], bill_error["element"]) == ("2500", "VendorRef")
    assert (payment_error["code"], payment_error["element"]) == ("2500", "VendorRef")
    assert len(sandbox.bills()) == 1
    assert sandbox.payments() == []


def test_an_unknown_bill_in_linked_txn_is_an_invalid_reference_on_linked_txn(
    sandbox: ErpSandbox,
) -> None:
    error = the_error(post(sandbox, "billpayment", bill_payment_body("424242"), "p"))

    assert (error["code"], error["element"]) == ("2500", "LinkedTxn")
    assert "424242" in error["Detail"]


def test_a_line_amount_over_the_open_balance_is_a_6000_business_validation_fault(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    assert post(
        sandbox, "billpayment", bill_payment_body(bill_id, "100", amount=600.0), "p1"
    ).is_success

    error = the_error(
        post(sandbox, "billpayment", bill_payment_body(bill_id, "101", amount=400.01), "p2")
    )

    assert (error["code"], error["Message"]) == ("6000", "A business validation error has occurred")
    assert error["element"] == "Line.Amount"
    assert "exceeds its open balance 400.00" in error["Detail"]
    assert sandbox.bills()[0]["balance"] == "400.00"


def test_a_bill_payment_without_a_vendor_ref_is_a_2020_required_param_fault(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    body = bill_payment_body(bill_id)
    del body["VendorRef"]

    error = the_error(post(sandbox, "billpayment", body, "p"))

    assert (error["code"], error["element"]) == ("2020", "VendorRef")


def test_a_total_that_is_not_the_sum_of_the_lines_is_a_2010_invalid_request_fault(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    body = bill_payment_body(bill_id, amount=100.0) | {"TotalAmt": 100.01}

    error = the_error(post(sandbox, "billpayment", body, "p"))

    assert (error["code"], error["element"]) == ("2010", "TotalAmt")


def test_a_pay_type_other_than_check_is_a_2010_invalid_request_fault(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    body = bill_payment_body(bill_id) | {"PayType": "CreditCard"}

    error = the_error(post(sandbox, "billpayment", body, "p"))

    assert (error["code"], error["element"]) == ("2010", "PayType")


@pytest.mark.parametrize("amount", [0, -5.0])
def test_a_payment_line_that_is_not_positive_is_a_2010_invalid_request_fault(
    sandbox: ErpSandbox, bill_id: str, amount: float
) -> None:
    error = the_error(post(sandbox, "billpayment", bill_payment_body(bill_id, amount=amount), "p"))

    assert (error["code"], error["element"]) == ("2010", "Line[0].Amount")


def test_a_doc_number_longer_than_quickbooks_takes_is_a_2050_string_length_fault(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    body = bill_payment_body(bill_id, check_number="1" * 22)

    error = the_error(post(sandbox, "billpayment", body, "p"))

    assert (error["code"], error["element"]) == ("2050", "DocNumber")


def test_a_request_without_a_bearer_token_is_a_401_authentication_fault(
    sandbox: ErpSandbox,
) -> None:
    response = sandbox.client.post(f"{COMPANY}/bill", params={"requestid": "b"}, json=bill_body())

    assert response.status_code == 401
    fault = response.json()["Fault"]
    assert fault["type"] == "AuthenticationFault"
    assert fault["Error"][0]["code"] == "3200"
    assert sandbox.bills() == []


def test_a_repeated_request_id_gets_the_first_answer_and_creates_one_record(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    first = post(sandbox, "billpayment", bill_payment_body(bill_id), "pay-once")
    again = post(sandbox, "billpayment", bill_payment_body(bill_id), "pay-once")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(sandbox.payments()) == 1
    assert sandbox.bills()[0]["balance"] == "0.00"


def test_a_repeated_request_id_gets_the_first_refusal_even_once_the_cause_is_fixed(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    body = bill_payment_body(bill_id, bank_id="2002")
    refused = post(sandbox, "billpayment", body, "pay-2002")
    sandbox.add_bank_account("2002")

    again = post(sandbox, "billpayment", body, "pay-2002")

    assert again.status_code == 400
    assert again.json() == refused.json()
    assert sandbox.payments() == []


def test_a_request_id_longer_than_50_characters_is_refused_and_nothing_is_made(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    error = the_error(post(sandbox, "billpayment", bill_payment_body(bill_id), "k" * 51))

    assert (error["code"], error["element"]) == ("2010", "requestid")
    assert sandbox.payments() == []


def test_concurrent_identical_requests_create_one_record(sandbox: ErpSandbox, bill_id: str) -> None:
    body = bill_payment_body(bill_id)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: post(sandbox, "billpayment", body, "race"), range(8)))

    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.json()["BillPayment"]["Id"] for answer in answers}) == 1
    assert len(sandbox.payments()) == 1


def test_the_same_request_id_in_another_company_is_another_request(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    post(sandbox, "billpayment", bill_payment_body(bill_id, "100", amount=1.0), "same-id")

    other = sandbox.client.post(
        "/v3/company/other-realm/billpayment",
        params={"requestid": "same-id"},
        json=bill_payment_body(bill_id, "101", amount=2.0),
        headers=BEARER,
    )

    assert other.status_code == 200
    assert len(sandbox.payments()) == 2


def test_records_set_up_and_answers_survive_a_restart(sandbox: ErpSandbox, bill_id: str) -> None:
    sandbox.add_check("1001", "100")
    first = post(sandbox, "billpayment", bill_payment_body(bill_id, "101", amount=250.0), "p1")

    sandbox.restart()

    assert [payment["erp_ref"] for payment in sandbox.payments()] == [
        first.json()["BillPayment"]["Id"]
    ]
    assert sandbox.bills()[0]["balance"] == "750.00"
    assert (
        post(sandbox, "billpayment", bill_payment_body(bill_id, "101", amount=250.0), "p1").json()
        == first.json()
    )
    assert (
        the_error(post(sandbox, "billpayment", bill_payment_body(bill_id, "100"), "p2"))["code"]
        == "6140"
    )
    assert post(
        sandbox, "billpayment", bill_payment_body(bill_id, "102", amount=1.0), "p3"
    ).is_success


def test_an_unavailable_fault_answers_503_at_once_and_does_nothing(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    sandbox.inject_fault("unavailable", count=1)

    outage = post(sandbox, "billpayment", bill_payment_body(bill_id), "p")
    assert outage.status_code == 503
    assert sandbox.payments() == []

    # Nothing was kept for the request id either: the resend is processed for real.
    resent = post(sandbox, "billpayment", bill_payment_body(bill_id), "p")
    assert resent.status_code == 200
    assert len(sandbox.payments()) == 1


def test_a_timeout_fault_does_the_work_though_the_client_gives_up_and_a_resend_replays_it(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    sandbox.inject_fault("timeout", count=1, delay_seconds=1.5)

    with (
        httpx.Client(base_url=sandbox.base_url, timeout=0.5) as impatient,
        pytest.raises(httpx.ReadTimeout),
    ):
        post(sandbox, "billpayment", bill_payment_body(bill_id), "p", client=impatient)
    (held,) = sandbox.payments()

    resent = post(sandbox, "billpayment", bill_payment_body(bill_id), "p")
    assert resent.status_code == 200
    assert resent.json()["BillPayment"]["Id"] == held["erp_ref"]
    assert len(sandbox.payments()) == 1


def test_a_slow_fault_does_the_work_and_answers_late(sandbox: ErpSandbox, bill_id: str) -> None:
    sandbox.inject_fault("slow", count=1, delay_seconds=0.3)

    started = time.monotonic()
    response = post(sandbox, "billpayment", bill_payment_body(bill_id), "p")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
    assert len(sandbox.payments()) == 1


def test_a_held_back_answer_does_not_hold_up_other_requests(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    sandbox.inject_fault("slow", count=1, delay_seconds=3.0)
    with (
        httpx.Client(base_url=sandbox.base_url, timeout=0.3) as impatient,
        pytest.raises(httpx.ReadTimeout),
    ):
        post(sandbox, "bill", bill_body(doc_number="INV-8"), "b2", client=impatient)

    # Were the delay spent blocking the server, this would wait out the 3 s and time out.
    with httpx.Client(base_url=sandbox.base_url, timeout=1.0) as client:
        response = post(sandbox, "billpayment", bill_payment_body(bill_id), "p", client=client)
    assert response.status_code == 200


def test_faults_hit_only_the_next_count_erp_requests_and_never_admin_requests(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    sandbox.inject_fault("unavailable", count=2)

    assert sandbox.payments() == []  # an admin request: no fault used up
    statuses = [
        post(sandbox, "billpayment", bill_payment_body(bill_id), "p").status_code for _ in range(3)
    ]

    assert statuses == [503, 503, 200]


def test_the_sandbox_counts_erp_requests_per_path(sandbox: ErpSandbox, bill_id: str) -> None:
    post(sandbox, "billpayment", bill_payment_body(bill_id), "p")
    post(sandbox, "billpayment", bill_payment_body(bill_id), "p")
    query(sandbox, "select * from Bill")

    assert sandbox.requests() == {
        f"{COMPANY}/bill": 1,
        f"{COMPANY}/billpayment": 2,
        f"{COMPANY}/query": 1,
    }


def test_reset_wipes_set_up_records_answers_and_faults(sandbox: ErpSandbox, bill_id: str) -> None:
    sandbox.add_check("1001", "100")
    post(sandbox, "billpayment", bill_payment_body(bill_id, "101"), "p")
    sandbox.inject_fault("unavailable", count=5)

    sandbox.reset()

    assert (sandbox.payments(), sandbox.bills(), sandbox.requests()) == ([], [], {})
    assert sandbox.client.get("/sandbox/faults").json() == {"items": []}
    assert the_error(post(sandbox, "bill", bill_body(), "bill-2"))["element"] == "VendorRef"
    sandbox.add_vendor("V042")
    assert post(sandbox, "bill", bill_body(), "bill-1").status_code == 200  # answer forgotten
    assert the_error(post(sandbox, "billpayment", bill_payment_body("1"), "p"))["element"] == (
        "CheckPayment.BankAccountRef"
    )


def test_a_check_on_an_unknown_bank_account_is_refused_by_the_admin_path(
    erp_sandbox: ErpSandbox,
) -> None:
    response = erp_sandbox.client.post(
        "/sandbox/checks", json={"bank_id": "1001", "check_number": "1"}
    )

    assert response.status_code == 404


def test_a_query_finds_a_bill_payment_by_its_doc_number(sandbox: ErpSandbox, bill_id: str) -> None:
    created = post(sandbox, "billpayment", bill_payment_body(bill_id, "100"), "p").json()

    response = query(sandbox, "select * from BillPayment where DocNumber = '100'")

    assert response.status_code == 200
    assert response.json()["QueryResponse"]["BillPayment"] == [created["BillPayment"]]


def test_a_query_finds_a_bill_by_its_doc_number_with_its_current_balance(
    sandbox: ErpSandbox, bill_id: str
) -> None:
    post(sandbox, "billpayment", bill_payment_body(bill_id, amount=100.0), "p")

    response = query(sandbox, "SELECT * FROM Bill WHERE DocNumber = 'INV-7'")

    (bill,) = response.json()["QueryResponse"]["Bill"]
    assert (bill["Id"], bill["Balance"]) == (bill_id, 900.0)


def test_a_purchase_query_finds_the_checks_keyed_in_by_hand_on_their_bank_accounts(
    sandbox: ErpSandbox,
) -> None:
    sandbox.add_bank_account("2002")
    sandbox.add_check("1001", "98")
    sandbox.add_check("2002", "5000")

    response = query(sandbox, "select * from Purchase where DocNumber = '98'")

    (check,) = response.json()["QueryResponse"]["Purchase"]
    assert (check["PaymentType"], check["AccountRef"], check["DocNumber"]) == (
        "Check",
        {"value": "1001"},
        "98",
    )


def test_a_query_that_matches_nothing_has_an_empty_query_response(sandbox: ErpSandbox) -> None:
    response = query(sandbox, "select * from BillPayment where DocNumber = '100'")

    assert response.status_code == 200
    assert response.json()["QueryResponse"] == {}


def test_a_query_the_sandbox_cannot_read_is_a_4000_query_parser_fault(sandbox: ErpSandbox) -> None:
    error = the_error(query(sandbox, "select Id from Invoice order by Id"))

    assert error["code"] == "4000"
