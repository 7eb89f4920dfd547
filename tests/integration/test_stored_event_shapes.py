"""Events stored in an earlier shape still load: each change of shape comes with its upcast.

The old rows are written as the earlier code wrote them (the same JSON, without the new
`class_version`, or under the topic of a module since moved), into a store of their own, and
read back by today's application.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from application.former_topics import FORMER_MODULES
from application.payments.idempotency import Answer, IdempotentRequest
from application.payments.invoice_numbers import InvoiceNumber
from application.payments.payments import Payments
from application.payments.snapshots import CompanySnapshot
from domain.company import Company
from domain.disbursement import Disbursement
from domain.invoice_payment import IssuedCheck, PaymentLine
from infrastructure.store.event_store import event_store_env
from tests.stores import fresh_settings


def authorized_with_an_added_payment(payments: Payments) -> UUID:
    account = payments.open_funding_account(
        "acme", nickname="Operating", bank_id="1001", next_check_number=100, actor="ann"
    )
    invoices = []
    for number in ("INV-1", "INV-2"):
        invoice = payments.receive_invoice(
            "acme",
            actor="intake",
            invoice_number=number,
            vendor_id="v-42",
            vendor_name="Rebar Co",
            erp_vendor_id="V042",
            project="Tower A",
            amount_due="1000.00",
        )
        payments.approve_invoice("acme", invoice, "ann")
        invoices.append(invoice)
    disbursement = payments.draft_disbursement(
        "acme",
        name="Nov run",
        funding_account_id=account,
        payments=[(invoices[0], "400.00")],
        actor="pat",
    )
    payments.add_payment("acme", disbursement, invoice_id=invoices[1], amount="250.00", actor="pat")
    payments.authorize("acme", disbursement, "pat")
    return disbursement


def as_first_stored(state: dict[str, Any]) -> dict[str, Any]:
    """The event's state as paysync stored it before payment lines and issued checks had
    transcodings: plain dicts, and [payment id, check number] pairs."""
    old = {k: v for k, v in state.items() if k != "class_version"}
    if "payments" in old:
        old["payments"] = [dict(line.__dict__) for line in old["payments"]]
    if "payment" in old:
        old["payment"] = dict(old["payment"].__dict__)
    if "check_numbers" in old:
        old["check_numbers"] = [[i.payment_id, i.check_number] for i in old["check_numbers"]]
    return old


def test_a_disbursement_stored_with_plain_payment_lines_and_check_pairs_still_loads(
    payments: Payments, backend: str, tmp_path: Path
) -> None:
    disbursement_id = authorized_with_an_added_payment(payments)
    transcoder = payments.mapper.transcoder
    now = payments.recorder.select_events(disbursement_id)
    assert [b"payment_line" in stored.state for stored in now] == [True, True, False]
    assert b"issued_check" in now[2].state  # today's shapes, tagged
    with fresh_settings(backend, tmp_path / "old") as settings:
        old_store = Payments(event_store_env(settings))
        try:
            old_rows = [
                StoredEvent(
                    originator_id=stored.originator_id,
                    originator_version=stored.originator_version,
                    topic=stored.topic,
                    state=transcoder.encode(as_first_stored(transcoder.decode(stored.state))),
                )
                for stored in now
            ]
            assert not any(b"payment_line" in row.state for row in old_rows)
            assert not any(b"issued_check" in row.state for row in old_rows)
            assert not any(b"class_version" in row.state for row in old_rows)
            old_store.recorder.insert_events(old_rows)

            loaded = old_store.repository.get(disbursement_id)
            expected = payments.repository.get(disbursement_id)
            assert isinstance(loaded, Disbursement)
            assert [(p.line, p.check_number) for p in loaded.payments.values()] == [
                (p.line, p.check_number) for p in expected.payments.values()
            ]
            assert all(p.check_number is not None for p in loaded.payments.values())
            events = [old_store.mapper.to_domain_event(row) for row in old_rows]
            drafted, added, authorized = events
            assert isinstance(authorized, Disbursement.DisbursementAuthorized)
            assert all(isinstance(i, IssuedCheck) for i in authorized.check_numbers)
            assert isinstance(drafted, Disbursement.DisbursementDrafted)
            assert isinstance(added, Disbursement.PaymentAdded)
            assert all(isinstance(line, PaymentLine) for line in drafted.payments)
            assert isinstance(added.payment, PaymentLine)
        finally:
            old_store.close()


def as_formerly_stored(stored: StoredEvent, payments: Payments) -> StoredEvent:
    """The row as paysync stored it while the class's module was at its former place."""
    former = {module.__name__: name for name, module in FORMER_MODULES.items()}

    def topic(now: str) -> str:
        module, _, qualname = now.partition(":")
        return f"{former.get(module, module)}:{qualname}"

    transcoder = payments.mapper.transcoder
    state = transcoder.decode(stored.state)
    if "originator_topic" in state:
        state["originator_topic"] = topic(state["originator_topic"])
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=topic(stored.topic),
        state=transcoder.encode(state),
    )


def test_events_and_snapshots_stored_under_their_modules_former_paths_still_load(
    payments: Payments, backend: str, tmp_path: Path
) -> None:
    authorized_with_an_added_payment(payments)
    request = IdempotentRequest.open("acme", "key-1")
    request.claim("acme", "key-1", "fingerprint", time.time())
    request.answered(201, '{"id": 1}', "application/json")
    payments.save(request)
    company_id = Company.id_for("acme")
    payments.take_snapshot(company_id)
    number_id = InvoiceNumber.id_for("acme", "v-42", "INV-1")
    assert payments.snapshots is not None
    with fresh_settings(backend, tmp_path / "old") as settings:
        old_store = Payments(event_store_env(settings))
        try:
            assert old_store.snapshots is not None
            rows = [
                as_formerly_stored(stored, payments)
                for aggregate_id in (number_id, request.id)
                for stored in payments.recorder.select_events(aggregate_id)
            ]
            snapshot_rows = [
                as_formerly_stored(stored, payments)
                for stored in payments.snapshots.recorder.select_events(company_id)
            ]
            assert {row.topic.partition(":")[0] for row in rows + snapshot_rows} == set(
                FORMER_MODULES
            )
            old_store.recorder.insert_events(rows)
            # The company only as its snapshot: loading it must read the former topic.
            old_store.snapshots.recorder.insert_events(snapshot_rows)

            number = old_store.repository.get(number_id)
            assert isinstance(number, InvoiceNumber)
            assert number.invoice_number == "INV-1"
            assert number.invoice_id == payments.repository.get(number_id).invoice_id
            answered = old_store.repository.get(request.id)
            assert isinstance(answered, IdempotentRequest)
            assert answered.answer == Answer(201, '{"id": 1}', "application/json")
            assert [type(s) for s in old_store.snapshots.get(company_id)] == [CompanySnapshot]
            company = old_store.repository.get(company_id)
            assert isinstance(company, Company)
            expected = payments.repository.get(company_id)
            assert company.funding_accounts == expected.funding_accounts
            assert company.version == expected.version
        finally:
            old_store.close()
