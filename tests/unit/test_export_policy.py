"""The export policy queues jobs from what the events carry, reading no aggregate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.export.erp_export import ExportPolicy
from application.export.export_queue import Dequeue, Enqueue, QueueChange
from domain.company import Company
from domain.export_failure import ExportFailureReason
from tests.unit.builders import ACCOUNTANT, approved_invoices, funded, opened_account


class Queue:
    def __init__(self) -> None:
        self.changes: list[QueueChange] = []

    def apply(self, changes: list[QueueChange], position: int) -> None:
        self.changes += changes


class NoRepository:
    @property
    def repository(self) -> Any:
        raise AssertionError("the policy read an aggregate")


def run_policy(events: list[Any], changed: list[UUID] | None = None) -> list[QueueChange]:
    queue = Queue()
    policy = ExportPolicy(
        queue,  # type: ignore[arg-type]
        NoRepository(),  # type: ignore[arg-type]
        on_settings_changed=(changed if changed is not None else []).append,
    )
    policy.process_events([(event, position) for position, event in enumerate(events, 1)])
    return queue.changes


def test_funding_completed_queues_every_payment_from_the_event_alone() -> None:
    disbursement = funded(opened_account(), approved_invoices(3))
    changes = run_policy(disbursement.collect_events())
    jobs = [change.job for change in changes if isinstance(change, Enqueue)]
    assert {job.payment_id for job in jobs} == set(disbursement.payments)
    assert {(job.company_id, job.disbursement_id, job.attempt) for job in jobs} == {
        (disbursement.company_id, disbursement.id, 1)
    }


def test_funding_completed_with_sync_off_queues_nothing() -> None:
    disbursement = funded(opened_account(), approved_invoices(2), sync=False)
    assert run_policy(disbursement.collect_events()) == []


def test_export_again_queues_the_new_attempt_and_an_outcome_dequeues_it() -> None:
    disbursement = funded(opened_account(), approved_invoices(1))
    (payment_id,) = disbursement.payments
    disbursement.collect_events()
    disbursement.record_export_failed(
        payment_id, 1, ExportFailureReason.ERP_REJECTED, "no", None, "paysync-export"
    )
    disbursement.request_export(payment_id, ACCOUNTANT)
    changes = run_policy(disbursement.collect_events())
    assert changes[0] == Dequeue(payment_id, 1)
    assert isinstance(changes[1], Enqueue)
    assert (changes[1].job.payment_id, changes[1].job.attempt) == (payment_id, 2)


def test_changed_erp_settings_are_told_to_the_executor() -> None:
    company = Company.enroll("acme", ACCOUNTANT)
    company.configure_erp(
        connector="sage_intacct",
        payment_record_sync_enabled=True,
        override_subcontractor_invoice_number=False,
        erp_base_url="http://erp",
        actor=ACCOUNTANT,
    )
    changed: list[UUID] = []
    events = company.collect_events()[1:]
    assert run_policy(events, changed) == []
    assert changed == [company.id]
