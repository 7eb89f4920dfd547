"""The auditor's history: every event of a record, any record as it was, the whole export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from application.errors import NotFound
from domain.company import Company
from infrastructure.settings import Settings
from interfaces.bootstrap import Paysync, bootstrap
from tests.payment_history import History, record_history


@pytest.fixture
def paysync(settings: Settings) -> Iterator[Paysync]:
    system = bootstrap(settings)
    yield system
    system.close()


@pytest.fixture
def history(paysync: Paysync) -> History:
    return record_history(paysync.payments)


def test_the_events_of_a_record_come_oldest_first_with_actor_time_and_version(
    paysync: Paysync, history: History
) -> None:
    events = paysync.audit.events("acme", history.disbursement_id)

    assert [(e.type, e.version, e.actor) for e in events] == [
        ("DisbursementDrafted", 1, "pat"),
        ("DisbursementAuthorized", 2, "pat"),
    ]
    assert events[0].timestamp <= events[1].timestamp
    assert datetime.fromisoformat(events[0].timestamp).utcoffset() == timedelta(0)


def test_event_data_holds_the_other_fields_as_json_safe_values(
    paysync: Paysync, history: History
) -> None:
    drafted = paysync.audit.events("acme", history.disbursement_id)[0]

    assert drafted.data["funding_account_id"] == str(history.account_id)
    assert drafted.data["payments"][0]["amount"] == "400.00"
    assert drafted.data["payments"][0]["invoice_id"] == str(history.invoice_id)
    assert not {"actor", "timestamp", "originator_id", "originator_version"} & set(drafted.data)


def test_the_company_record_is_readable_by_its_id(paysync: Paysync, history: History) -> None:
    events = paysync.audit.events("acme", Company.id_for("acme"))
    assert events[0].type == "CompanyEnrolled"


def test_a_record_of_another_company_is_not_found(paysync: Paysync, history: History) -> None:
    with pytest.raises(NotFound):
        paysync.audit.events("acme", history.other_company_account_id)
    with pytest.raises(NotFound):
        paysync.audit.record("acme", history.other_company_account_id)


def test_an_unknown_record_is_not_found(paysync: Paysync, history: History) -> None:
    with pytest.raises(NotFound):
        paysync.audit.events("acme", uuid4())
    with pytest.raises(NotFound):
        paysync.audit.record("acme", uuid4())


def test_a_record_reads_as_it_was_at_a_version(paysync: Paysync, history: History) -> None:
    drafted = paysync.audit.record("acme", history.disbursement_id, version=1)
    now = paysync.audit.record("acme", history.disbursement_id)

    assert (drafted.type, drafted.version) == ("Disbursement", 1)
    assert drafted.attributes["status"] == "draft"
    assert (now.version, now.attributes["status"]) == (2, "funding_requested")
    payment = next(iter(now.attributes["payments"].values()))
    assert payment["check_number"] == 100


def test_a_record_reads_as_it_was_at_a_moment(paysync: Paysync, history: History) -> None:
    approved_at = paysync.audit.events("acme", history.invoice_id)[1].timestamp

    invoice = paysync.audit.record(
        "acme", history.invoice_id, as_of=datetime.fromisoformat(approved_at)
    )

    assert invoice.version == 2
    assert invoice.attributes["approved_by"] == "ann"
    assert invoice.attributes["committed"] == {}


def test_a_moment_before_the_record_existed_is_not_found(
    paysync: Paysync, history: History
) -> None:
    created_at = paysync.audit.events("acme", history.invoice_id)[0].timestamp
    before = datetime.fromisoformat(created_at) - timedelta(microseconds=1)
    with pytest.raises(NotFound):
        paysync.audit.record("acme", history.invoice_id, as_of=before)


def test_the_export_holds_only_the_companys_events_in_log_order(
    paysync: Paysync, history: History
) -> None:
    lines = list(paysync.audit.export("acme"))

    # Counted in the company's own history: the shared log's ids would say how busy others are.
    assert [line.sequence for line in lines] == list(range(1, len(lines) + 1))
    assert history.other_company_account_id not in {line.aggregate_id for line in lines}
    assert {line.actor for line in lines} == {"ann", "intake", "pat"}


def test_the_export_names_each_events_record_type_and_version(
    paysync: Paysync, history: History
) -> None:
    lines = list(paysync.audit.export("acme"))

    authorized = next(line for line in lines if line.type == "DisbursementAuthorized")
    assert authorized.aggregate_id == str(history.disbursement_id)
    assert authorized.aggregate_type == "Disbursement"
    assert authorized.version == 2
    issued = next(line for line in lines if line.type == "CheckNumbersIssued")
    assert issued.aggregate_type == "FundingAccount"


def test_the_export_of_all_companies_holds_every_stored_event(
    paysync: Paysync, history: History
) -> None:
    everything = list(paysync.audit.export(None))
    stored = paysync.payments.recorder.select_notifications(1, 1000)
    assert [line.sequence for line in everything] == [n.id for n in stored]
