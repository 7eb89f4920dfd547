"""Events stored before they were versioned still load: the library upcasts the old shape.

Each test writes events exactly as paysync stored them before (no `class_version`, without
the fields added since) straight into the event store, then loads them back.
"""

from __future__ import annotations

import time
from typing import Any

from eventsourcing.domain import Aggregate

from application.export.erp_export import ExportPolicy
from application.payments.payments import Payments
from domain.company import Company
from domain.disbursement import Disbursement
from domain.invoice_payment import ExportStatus
from tests.unit.builders import approved_invoice, funded, only_payment, opened_account

# The fields each event class gained in version 2.
ADDED_IN_V2: dict[type[Any], tuple[str, ...]] = {
    Company.ErpSettingsChanged: ("connection",),
    Disbursement.FundingCompleted: ("company_id", "payment_ids"),
    Disbursement.ExportSucceeded: ("connector", "warning"),
    Disbursement.ExportFailed: ("connector",),
    Disbursement.ExportRequested: ("company_id",),
}


def store_as_version_1(payments: Payments, aggregate: Aggregate) -> None:
    """Saves the aggregate's pending events in the shape stored before version 2."""
    stored = []
    for event in aggregate.collect_events():
        record = payments.mapper.to_stored_event(event)
        added = ADDED_IN_V2.get(type(event))
        if added is not None:
            state = payments.mapper.transcoder.decode(record.state)
            assert state.pop("class_version") == 2
            for name in added:
                del state[name]
            record = type(record)(
                originator_id=record.originator_id,
                originator_version=record.originator_version,
                topic=record.topic,
                state=payments.mapper.transcoder.encode(state),
            )
        stored.append(record)
    payments.recorder.insert_events(stored)


def test_erp_settings_stored_with_only_a_base_url_load_as_that_connection(
    payments: Payments,
) -> None:
    company = Company.enroll("acme", "ann")
    company.configure_erp(
        connector="quickbooks_online",
        payment_record_sync_enabled=True,
        override_subcontractor_invoice_number=False,
        erp_base_url="http://127.0.0.1:8765",
        actor="ann",
    )
    store_as_version_1(payments, company)

    view = payments.erp_settings("acme")

    assert view.connection == {"base_url": "http://127.0.0.1:8765"}
    assert view.erp_base_url == "http://127.0.0.1:8765"
    assert view.connector == "quickbooks_online"


def test_a_disbursement_stored_before_events_named_their_connector_loads_and_still_queues(
    payments: Payments,
) -> None:
    invoice = approved_invoice("1000.00")
    invoice.record_synced("bill-1", invoice.invoice_number, "erp-sync")
    disbursement = funded(opened_account(), [invoice])
    payment = only_payment(disbursement)
    disbursement.record_export_succeeded(payment.id, 1, "erp-1", False, "paysync-export")
    store_as_version_1(payments, disbursement)

    loaded = payments.repository.get(disbursement.id)

    assert isinstance(loaded, Disbursement)
    assert loaded.payment(payment.id).export_status is ExportStatus.EXPORTED
    assert loaded.payment(payment.id).erp_connector is None
    funding_completed = next(
        event
        for event in payments.events.get(disbursement.id)  # type: ignore[attr-defined]
        if isinstance(event, Disbursement.FundingCompleted)
    )
    assert funding_completed.payment_ids is None
    # An old FundingCompleted carries no payments: the policy reads them from the disbursement.
    policy = ExportPolicy(view=None, payments=payments)  # type: ignore[arg-type]
    (job,) = policy._jobs_due(funding_completed, time.time())
    assert (job.company_id, job.payment_id, job.attempt) == (
        disbursement.company_id,
        payment.id,
        1,
    )
