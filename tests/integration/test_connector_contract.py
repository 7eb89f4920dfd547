"""One contract for every connector: the support article's story through the real sandbox.

Each connector is built from the connection object the sandbox lists for it
(GET /sandbox/dialects) and speaks its own dialect; the answers must mean the same things.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from application.ports import (
    BillToExport,
    ErpAccepted,
    ErpAnswer,
    ErpConnector,
    ErpRecordReader,
    ErpRefused,
    ErpUnreadable,
    PaymentRecordToExport,
)
from domain.export_failure import ExportFailureReason
from infrastructure.erp.directory import ConnectorDirectory
from infrastructure.erp.registry import REGISTRY
from tests.fixtures.erp_sandbox import ErpSandbox

# Reached by an agent, so proven through paysync and the sandbox's agent instead
# (tests/e2e/test_agent_connectors.py); every other connector answers the call.
AGENT_REACHED = {"quickbooks_desktop", "sage_300_cre"}
CONNECTORS = sorted(c.value for c in REGISTRY if c.value not in AGENT_REACHED)
BANK, OTHER_BANK, VENDOR = "1001", "2002", "V042"
# Whose ERP can list its payment records by date, and the constant each pages by; Yardi's
# interface finds a paid invoice only by its reference (ADR 0022).
PAGE_SIZE_OF_READER = {
    "quickbooks_online": "QUERY_PAGE_SIZE",
    "sage_intacct": "READ_PAGE_SIZE",
    "acumatica": "PAGE_SIZE",
    "cmic": "PAGE_SIZE",
    "viewpoint_vista": "PAGE_SIZE",
}


@pytest.fixture(params=CONNECTORS)
def connector(request: pytest.FixtureRequest, erp_sandbox: ErpSandbox) -> Iterator[ErpConnector]:
    erp_sandbox.add_bank_account(BANK)
    erp_sandbox.add_vendor(VENDOR)
    listed = erp_sandbox.client.get("/sandbox/dialects").json()
    (connection,) = [d["connection"] for d in listed if d["connector"] == request.param]
    directory = ConnectorDirectory(timeout_seconds=2.0)
    yield directory.connector_for(request.param, connection)
    directory.close()


def a_bill(amount: str = "1000.00") -> BillToExport:
    return BillToExport(
        invoice_id=uuid4(),
        invoice_number=f"INV-{uuid4().hex[:6]}",
        erp_vendor_id=VENDOR,
        vendor_name="Rebar Co",
        project="Tower A",
        amount=Decimal(amount),
        invoice_date=date(2026, 11, 20),
        idempotency_key=f"bill-{uuid4()}",
    )


def bill_ref_of(connector: ErpConnector) -> str:
    answer = connector.export_bill(a_bill())
    assert isinstance(answer, ErpAccepted), answer
    return answer.erp_ref


@pytest.fixture
def bill_ref(connector: ErpConnector) -> str:
    return bill_ref_of(connector)


def a_record(bill_ref: str, **changes: object) -> PaymentRecordToExport:
    payment_id = uuid4()
    record = PaymentRecordToExport(
        payment_id=payment_id,
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id=VENDOR,
        vendor_name="Rebar Co",
        erp_bill_ref=bill_ref,
        bill_amount=Decimal("1000.00"),
        amount=Decimal("1000.00"),
        check_number="100",
        bank_id=BANK,
        paid_on=date(2026, 11, 24),
        idempotency_key=f"paysync-{payment_id}-1",  # the shape paysync's keys have
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def refused(answer: ErpAnswer) -> ExportFailureReason:
    assert isinstance(answer, ErpRefused), answer
    assert answer.message
    return answer.reason


def test_a_payment_record_lands_in_the_erp_in_its_own_fields(
    connector: ErpConnector, bill_ref: str, erp_sandbox: ErpSandbox
) -> None:
    answer = connector.export_payment(a_record(bill_ref))

    assert isinstance(answer, ErpAccepted), answer
    (held,) = erp_sandbox.payments()
    assert held["connector"] == connector.connector_name
    assert (held["erp_ref"], held["check_number"], held["bank_id"]) == (
        answer.erp_ref,
        "100",
        BANK,
    )
    assert held["lines"] == [{"bill_ref": bill_ref, "amount": "1000.00"}]


def test_a_check_number_already_used_on_the_bank_account_fails_as_in_use(
    connector: ErpConnector, bill_ref: str, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_check(BANK, "100")
    answer = connector.export_payment(a_record(bill_ref))
    if connector.capabilities.refuses_duplicate_check_numbers:
        assert refused(answer) is ExportFailureReason.CHECK_NUMBER_IN_USE
        assert erp_sandbox.payments() == []
    else:
        assert isinstance(answer, ErpAccepted), answer
        assert answer.warning


def test_an_unknown_bank_id_fails_as_bank_id_not_found(
    connector: ErpConnector, bill_ref: str, erp_sandbox: ErpSandbox
) -> None:
    answer = connector.export_payment(a_record(bill_ref, bank_id="9999"))
    assert refused(answer) is ExportFailureReason.BANK_ID_NOT_FOUND
    assert erp_sandbox.payments() == []


def test_a_vendor_the_erp_does_not_know_fails_as_not_synced(
    connector: ErpConnector, bill_ref: str
) -> None:
    answer = connector.export_payment(a_record(bill_ref, erp_vendor_id="V999"))
    assert refused(answer) is ExportFailureReason.VENDOR_NOT_SYNCED


def test_a_bill_the_erp_does_not_hold_fails_as_invoice_not_synced(
    connector: ErpConnector, bill_ref: str
) -> None:
    answer = connector.export_payment(a_record("404404"))
    assert refused(answer) is ExportFailureReason.INVOICE_NOT_SYNCED


def test_more_than_the_open_balance_is_refused(connector: ErpConnector, bill_ref: str) -> None:
    answer = connector.export_payment(a_record(bill_ref, amount=Decimal("1000.01")))
    assert refused(answer) is ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE


def test_a_partial_payment_is_taken_only_where_the_erp_takes_one(
    connector: ErpConnector, bill_ref: str
) -> None:
    answer = connector.export_payment(a_record(bill_ref, amount=Decimal("400.00")))
    if connector.capabilities.partial_payments:
        assert isinstance(answer, ErpAccepted), answer
    else:
        assert refused(answer) is ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED


def test_an_unavailable_erp_is_transient_and_the_same_record_goes_through_once_it_is_back(
    connector: ErpConnector, bill_ref: str, erp_sandbox: ErpSandbox
) -> None:
    record = a_record(bill_ref)
    erp_sandbox.inject_fault("unavailable")
    assert refused(connector.export_payment(record)) is ExportFailureReason.ERP_UNAVAILABLE

    answer = connector.export_payment(record)

    assert isinstance(answer, ErpAccepted), answer
    assert len(erp_sandbox.payments()) == 1


@pytest.mark.parametrize("calls", [1, 3])
def test_answers_paysync_cannot_read_are_transient_and_the_record_is_made_once(
    connector: ErpConnector, bill_ref: str, erp_sandbox: ErpSandbox, calls: int
) -> None:
    record = a_record(bill_ref)
    erp_sandbox.inject_fault("garbage", count=calls)
    # Sent again, under the same key, as the export does, until the ERP is read: every answer
    # before is "not now", never a refusal and never a raise.
    answers = [connector.export_payment(record) for _ in range(calls + 1)]

    assert isinstance(answers[-1], ErpAccepted), answers
    for answer in answers:
        assert (
            isinstance(answer, ErpAccepted)
            or refused(answer) is ExportFailureReason.ERP_UNAVAILABLE
        )
    assert len(erp_sandbox.payments()) == 1


def test_the_same_idempotency_key_twice_makes_one_record(
    connector: ErpConnector, bill_ref: str, erp_sandbox: ErpSandbox
) -> None:
    record = a_record(bill_ref)
    first = connector.export_payment(record)
    second = connector.export_payment(record)

    assert isinstance(first, ErpAccepted)
    assert isinstance(second, ErpAccepted)
    assert first.erp_ref == second.erp_ref
    assert len(erp_sandbox.payments()) == 1


def listing_of(connector: ErpConnector) -> Callable[[str], list[str] | ErpRefused] | None:
    """The connector's check listing, None where it has none; what it declares is what it does."""
    listing: Callable[[str], list[str] | ErpRefused] | None
    listing = getattr(connector, "check_numbers", None)
    assert (listing is not None) == connector.capabilities.lists_checks
    return listing


def test_the_erp_lists_the_checks_keyed_in_and_exported_on_that_bank_account_only(
    connector: ErpConnector, erp_sandbox: ErpSandbox
) -> None:
    listing = listing_of(connector)
    if listing is None:
        return
    erp_sandbox.add_bank_account(OTHER_BANK)
    erp_sandbox.add_check(BANK, "98")
    erp_sandbox.add_check(OTHER_BANK, "5000")
    exported = connector.export_payment(a_record(bill_ref_of(connector), check_number="99"))
    elsewhere = a_record(bill_ref_of(connector), check_number="7000", bank_id=OTHER_BANK)
    assert isinstance(exported, ErpAccepted), exported
    assert isinstance(connector.export_payment(elsewhere), ErpAccepted)

    listed = listing(BANK)

    assert isinstance(listed, list), listed
    assert sorted(listed) == ["98", "99"]


def test_an_erp_that_cannot_be_reached_says_why_it_cannot_list_checks(
    connector: ErpConnector, erp_sandbox: ErpSandbox
) -> None:
    listing = listing_of(connector)
    if listing is None:
        return
    erp_sandbox.inject_fault("unavailable")

    listed = listing(BANK)

    assert isinstance(listed, ErpRefused), listed
    assert listed.reason is ExportFailureReason.ERP_UNAVAILABLE


def reader_of(connector: ErpConnector, monkeypatch: pytest.MonkeyPatch) -> ErpRecordReader | None:
    """The connector's read side, paging two records at a time; None where it has none."""
    page_size = PAGE_SIZE_OF_READER.get(connector.connector_name)
    assert isinstance(connector, ErpRecordReader) == (page_size is not None)
    if page_size is None or not isinstance(connector, ErpRecordReader):
        return None
    monkeypatch.setattr(sys.modules[type(connector).__module__], page_size, 2)
    return connector


def test_a_periods_records_are_read_back_across_pages_as_sent_and_one_keyed_in_names_none(
    connector: ErpConnector, erp_sandbox: ErpSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = reader_of(connector, monkeypatch)
    if reader is None:
        return
    bill_ref = bill_ref_of(connector)
    days = (date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 5), date(2026, 11, 30))
    sent = [
        a_record(bill_ref, amount=Decimal("100.00"), check_number=str(100 + n), paid_on=day)
        for n, day in enumerate((*days, date(2026, 11, 12), date(2026, 12, 1)))
    ]
    for record in sent:
        assert isinstance(connector.export_payment(record), ErpAccepted)
    erp_sandbox.key_in_payment(connector.connector_name, BANK, "555", "42.10", "2026-11-20")

    read = reader.payment_records(date(2026, 11, 1), date(2026, 11, 30))

    assert sorted(
        (r.payment_id, r.check_number, r.bank_id, r.amount, r.paid_on) for r in read if r.payment_id
    ) == sorted(
        (s.payment_id, s.check_number, BANK, Decimal("100.00"), s.paid_on) for s in sent[1:5]
    )
    (by_hand,) = [r for r in read if r.payment_id is None]
    assert (by_hand.check_number, by_hand.amount, by_hand.paid_on) == (
        "555",
        Decimal("42.10"),
        date(2026, 11, 20),
    )
    assert len({r.erp_ref for r in read}) == 5


def test_an_erp_that_cannot_be_reached_cannot_be_read(
    connector: ErpConnector, erp_sandbox: ErpSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = reader_of(connector, monkeypatch)
    if reader is None:
        return
    erp_sandbox.inject_fault("unavailable")

    with pytest.raises(ErpUnreadable):
        reader.payment_records(date(2026, 11, 1), date(2026, 11, 30))
