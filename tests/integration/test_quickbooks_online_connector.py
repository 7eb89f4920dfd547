"""The QuickBooks Online connector against the real ERP sandbox: every answer, translated."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import uuid4

import httpx
import pytest

from application.ports import (
    BillToExport,
    ErpAccepted,
    ErpRefused,
    ErpUnreadable,
    PaymentRecordToExport,
)
from domain.export_failure import ExportFailureReason
from infrastructure.erp import quickbooks_online
from infrastructure.erp.quickbooks_online import QuickBooksOnlineConnector
from tests.fixtures.erp_sandbox import ErpSandbox


def a_bill(amount: str = "1000.00", erp_vendor_id: str = "V042") -> BillToExport:
    return BillToExport(
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id=erp_vendor_id,
        vendor_name="Rebar Co",
        project="Tower A",
        amount=Decimal(amount),
        invoice_date=date(2026, 11, 20),
        idempotency_key=f"bill-{uuid4()}",
    )


def a_payment_record(
    erp_bill_ref: str, amount: str = "1000.00", check_number: str = "100", bank_id: str = "1001"
) -> PaymentRecordToExport:
    return PaymentRecordToExport(
        payment_id=uuid4(),
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id="V042",
        vendor_name="Rebar Co",
        erp_bill_ref=erp_bill_ref,
        bill_amount=Decimal("1000.00"),
        amount=Decimal(amount),
        check_number=check_number,
        bank_id=bank_id,
        paid_on=date(2026, 11, 24),
        idempotency_key=f"payment-{uuid4()}",
    )


@pytest.fixture
def sandbox(erp_sandbox: ErpSandbox) -> ErpSandbox:
    """A sandbox ERP that knows bank account 1001 and vendor V042."""
    erp_sandbox.add_bank_account("1001")
    erp_sandbox.add_vendor("V042")
    return erp_sandbox


@pytest.fixture
def connector(sandbox: ErpSandbox) -> Iterator[QuickBooksOnlineConnector]:
    with QuickBooksOnlineConnector(sandbox.base_url, timeout=2.0) as connector:
        yield connector


@pytest.fixture
def bill_ref(connector: QuickBooksOnlineConnector) -> str:
    """A 1000.00 bill to V042, exported through the connector."""
    answer = connector.export_bill(a_bill())
    assert isinstance(answer, ErpAccepted), answer
    return answer.erp_ref


def refusal(answer: ErpAccepted | ErpRefused) -> ErpRefused:
    assert isinstance(answer, ErpRefused), answer
    return answer


def test_an_invoice_and_its_payment_land_in_the_erp_as_a_bill_and_a_bill_payment_linking_it(
    sandbox: ErpSandbox, connector: QuickBooksOnlineConnector
) -> None:
    bill = a_bill("1000.00")
    bill_answer = connector.export_bill(bill)
    assert isinstance(bill_answer, ErpAccepted)

    record = a_payment_record(bill_answer.erp_ref, amount="400.10", check_number="100")
    answer = connector.export_payment(record)

    assert answer == ErpAccepted(erp_ref=sandbox.payments()[0]["erp_ref"])
    (held,) = sandbox.payments()
    assert held["connector"] == "quickbooks_online"
    assert (held["check_number"], held["bank_id"], held["amount"]) == ("100", "1001", "400.10")
    assert held["linked_bills"] == [bill_answer.erp_ref]
    assert held["txn_date"] == "2026-11-24"
    assert held["private_note"] == f"paysync payment {record.payment_id}"
    (bill_held,) = sandbox.bills()
    assert (bill_held["erp_ref"], bill_held["doc_number"]) == (bill_answer.erp_ref, "INV-7")
    assert (bill_held["amount"], bill_held["balance"]) == ("1000.00", "599.90")
    assert bill_held["private_note"] == f"paysync invoice {bill.invoice_id}"


def test_a_check_number_already_in_the_erp_is_check_number_in_use(
    sandbox: ErpSandbox, connector: QuickBooksOnlineConnector, bill_ref: str
) -> None:
    sandbox.add_check("1001", "100")

    refused = refusal(connector.export_payment(a_payment_record(bill_ref, check_number="100")))

    assert refused.reason is ExportFailureReason.CHECK_NUMBER_IN_USE
    assert refused.erp_code == "6140"
    assert refused.message.startswith("Duplicate Document Number Error")
    assert refused.message.count("Duplicate Document Number Error") == 1  # said once
    assert "DocNumber=100" in refused.message
    assert sandbox.payments() == []


def test_a_bank_id_the_erp_does_not_know_is_bank_id_not_found(
    connector: QuickBooksOnlineConnector, bill_ref: str
) -> None:
    refused = refusal(connector.export_payment(a_payment_record(bill_ref, bank_id="9999")))

    assert refused.reason is ExportFailureReason.BANK_ID_NOT_FOUND
    assert refused.erp_code == "2500"
    assert refused.message.startswith("Invalid Reference Id")
    assert "9999" in refused.message
    assert "9999" in refused.message


def test_a_vendor_the_erp_does_not_know_is_vendor_not_synced(
    connector: QuickBooksOnlineConnector, bill_ref: str
) -> None:
    record = replace(a_payment_record(bill_ref), erp_vendor_id="V999")

    payment_refused = refusal(connector.export_payment(record))
    bill_refused = refusal(connector.export_bill(a_bill(erp_vendor_id="V999")))

    assert payment_refused.reason is ExportFailureReason.VENDOR_NOT_SYNCED
    assert bill_refused.reason is ExportFailureReason.VENDOR_NOT_SYNCED
    assert payment_refused.erp_code == bill_refused.erp_code == "2500"


def test_a_bill_the_erp_does_not_hold_is_invoice_not_synced(
    connector: QuickBooksOnlineConnector,
) -> None:
    refused = refusal(connector.export_payment(a_payment_record("424242")))

    assert refused.reason is ExportFailureReason.INVOICE_NOT_SYNCED
    assert refused.erp_code == "2500"
    assert "424242" in refused.message


def test_paying_more_than_the_open_balance_is_amount_exceeds_open_balance(
    sandbox: ErpSandbox, connector: QuickBooksOnlineConnector, bill_ref: str
) -> None:
    first = connector.export_payment(a_payment_record(bill_ref, "600.00", check_number="100"))
    assert isinstance(first, ErpAccepted)

    refused = refusal(connector.export_payment(a_payment_record(bill_ref, "400.01", "101")))

    assert refused.reason is ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE
    assert refused.erp_code == "6000"
    assert "open balance 400.00" in refused.message
    assert len(sandbox.payments()) == 1


def test_any_other_fault_is_erp_rejected_with_the_erp_code_kept(
    connector: QuickBooksOnlineConnector, bill_ref: str
) -> None:
    record = a_payment_record(bill_ref, check_number="1" * 22)

    refused = refusal(connector.export_payment(record))

    assert refused.reason is ExportFailureReason.ERP_REJECTED
    assert refused.erp_code == "2050"
    assert "DocNumber" in refused.message


def test_a_refused_token_is_erp_rejected_with_the_authentication_fault_code(
    sandbox: ErpSandbox, bill_ref: str
) -> None:
    def lose_the_token(request: httpx.Request) -> None:
        del request.headers["Authorization"]

    with (
        httpx.Client(event_hooks={"request": [lose_the_token]}) as client,
        QuickBooksOnlineConnector(sandbox.base_url, client=client) as unauthenticated,
    ):
        refused = refusal(unauthenticated.export_payment(a_payment_record(bill_ref)))

    assert refused.reason is ExportFailureReason.ERP_REJECTED
    assert refused.erp_code == "3200"
    assert "AuthenticationFailed" in refused.message
    assert sandbox.payments() == []


def test_an_erp_answering_503_is_erp_unavailable(
    sandbox: ErpSandbox, connector: QuickBooksOnlineConnector, bill_ref: str
) -> None:
    sandbox.inject_fault("unavailable", count=1)

    refused = refusal(connector.export_payment(a_payment_record(bill_ref)))

    assert refused.reason is ExportFailureReason.ERP_UNAVAILABLE
    assert refused.is_transient
    assert refused.erp_code == "503"
    assert "HTTP 503" in refused.message
    assert sandbox.payments() == []


def test_an_erp_nobody_listens_for_is_erp_unavailable() -> None:
    # A port bound but not listening refuses connections, and stays ours during the test.
    with socket.socket() as closed_door:
        closed_door.bind(("127.0.0.1", 0))
        port = closed_door.getsockname()[1]
        with QuickBooksOnlineConnector(f"http://127.0.0.1:{port}", timeout=2.0) as unreachable:
            refused = refusal(unreachable.export_payment(a_payment_record("1")))

    assert refused.reason is ExportFailureReason.ERP_UNAVAILABLE
    assert refused.erp_code is None
    assert refused.message.startswith("Could not reach QuickBooks Online")


def test_the_same_idempotency_key_twice_makes_one_record_with_one_erp_ref(
    sandbox: ErpSandbox, connector: QuickBooksOnlineConnector, bill_ref: str
) -> None:
    record = a_payment_record(bill_ref)

    first = connector.export_payment(record)
    again = connector.export_payment(record)

    assert isinstance(first, ErpAccepted)
    assert again == first
    assert len(sandbox.payments()) == 1
    assert sum(sandbox.requests().values()) == 3  # the bill, and the payment twice


def test_a_key_longer_than_a_quickbooks_requestid_still_makes_one_record(
    sandbox: ErpSandbox, connector: QuickBooksOnlineConnector, bill_ref: str
) -> None:
    record = replace(a_payment_record(bill_ref), idempotency_key=f"{uuid4()}:{uuid4()}:1")

    first = connector.export_payment(record)
    again = connector.export_payment(record)

    assert isinstance(first, ErpAccepted)
    assert again == first
    assert len(sandbox.payments()) == 1


def test_a_timeout_is_erp_unavailable_and_the_retry_with_the_same_key_makes_no_second_record(
    sandbox: ErpSandbox, bill_ref: str
) -> None:
    sandbox.inject_fault("timeout", count=1, delay_seconds=1.0)
    record = a_payment_record(bill_ref)

    with QuickBooksOnlineConnector(sandbox.base_url, timeout=0.5) as impatient:
        timed_out = refusal(impatient.export_payment(record))
        retried = impatient.export_payment(record)

    assert timed_out.reason is ExportFailureReason.ERP_UNAVAILABLE
    assert "did not answer in time" in timed_out.message
    (held,) = sandbox.payments()
    assert retried == ErpAccepted(erp_ref=held["erp_ref"])


# --- the read side, for reconciliation -------------------------------------------------------
def test_the_records_of_a_period_are_read_back_across_pages_as_they_were_sent(
    connector: QuickBooksOnlineConnector, bill_ref: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quickbooks_online, "QUERY_PAGE_SIZE", 2)
    sent = []
    for number, day in enumerate((1, 5, 30, 30, 1), start=100):
        paid_on = date(2026, 11, day) if number < 104 else date(2026, 12, day)
        record = replace(a_payment_record(bill_ref, "100.00", str(number)), paid_on=paid_on)
        assert isinstance(connector.export_payment(record), ErpAccepted)
        sent.append(record)

    read = connector.payment_records(date(2026, 11, 1), date(2026, 11, 30))

    assert [(r.payment_id, r.check_number, r.bank_id, r.amount, r.paid_on) for r in read] == [
        (s.payment_id, s.check_number, s.bank_id, Decimal("100.00"), s.paid_on) for s in sent[:4]
    ]


def test_a_bank_accounts_checks_are_read_across_pages_both_paid_bills_and_checks_keyed_in(
    connector: QuickBooksOnlineConnector,
    sandbox: ErpSandbox,
    bill_ref: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quickbooks_online, "QUERY_PAGE_SIZE", 2)
    sandbox.add_bank_account("2002")
    for bank, number in (("1001", "97"), ("2002", "5000"), ("1001", "98"), ("1001", "99")):
        sandbox.add_check(bank, number)
    for bank, number in (("1001", "100"), ("2002", "7000"), ("1001", "101")):
        record = a_payment_record(bill_ref, "100.00", number, bank_id=bank)
        assert isinstance(connector.export_payment(record), ErpAccepted)

    listed = connector.check_numbers("1001")

    assert isinstance(listed, list), listed
    assert sorted(listed, key=int) == ["97", "98", "99", "100", "101"]


def test_an_erp_that_does_not_answer_the_query_cannot_be_read(
    connector: QuickBooksOnlineConnector, sandbox: ErpSandbox
) -> None:
    sandbox.inject_fault("unavailable")

    with pytest.raises(ErpUnreadable, match="503"):
        connector.payment_records(date(2026, 11, 1), date(2026, 11, 30))


# --- answers lost or mangled on the way back --------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "made_it"),
    [
        ("reset", False),
        ("drop_answer", True),
        ("garbage", True),
        ("truncated", True),
        ("wrong_content_type", True),
    ],
)
def test_an_answer_lost_or_mangled_is_erp_unavailable_and_the_resend_makes_no_second_record(
    connector: QuickBooksOnlineConnector,
    sandbox: ErpSandbox,
    bill_ref: str,
    mode: str,
    made_it: bool,
) -> None:
    record = a_payment_record(bill_ref)
    sandbox.inject_fault(mode)

    lost = refusal(connector.export_payment(record))
    held_meanwhile = len(sandbox.payments())
    resent = connector.export_payment(record)

    assert lost.reason is ExportFailureReason.ERP_UNAVAILABLE
    assert held_meanwhile == (1 if made_it else 0)
    assert isinstance(resent, ErpAccepted)
    assert [p["erp_ref"] for p in sandbox.payments()] == [resent.erp_ref]


def test_a_fault_rate_hits_its_share_of_requests_and_counts_them(
    connector: QuickBooksOnlineConnector, sandbox: ErpSandbox, bill_ref: str
) -> None:
    sandbox.set_fault_rate(0.5, ["unavailable", "garbage"], seed=7)

    answers = [
        connector.export_payment(a_payment_record(bill_ref, "1.00", str(n))) for n in range(40)
    ]

    suffered = sandbox.faults_suffered()
    refused = [a for a in answers if isinstance(a, ErpRefused)]
    assert 0 < sum(suffered.values()) < 40
    assert len(refused) == sum(suffered.values())
    assert {a.reason for a in refused} == {ExportFailureReason.ERP_UNAVAILABLE}
    assert sandbox.payment_count() == 40 - suffered.get("unavailable", 0)
