"""The export executor: one record that breaks does not hold up, or hide among, the others."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Tracking

from application.export.erp_export import ExportExecutor, ExportPolicy, RetryPolicy
from application.export.export_queue import Enqueue, ExportJob, ExportQueue
from application.export.invoice_sync import InvoiceSync
from application.following import Follower
from application.payments.payments import Payments
from application.ports import ErpAnswer, PaymentRecordToExport
from infrastructure.export.queue_postgres import PostgresExportQueue
from infrastructure.export.queue_sqlite import SQLiteExportQueue
from infrastructure.settings import Settings
from infrastructure.store.views import open_view
from tests.stateful.fake_erp import FakeConnectors, FakeErp

COMPANY = "acme"


class BreaksOnInvoice(FakeErp):
    """An ERP connector with a bug: it raises for one invoice number."""

    broken_invoice = "INV-BROKEN"

    def export_payment(self, record: PaymentRecordToExport) -> ErpAnswer:
        if record.invoice_number == self.broken_invoice:
            raise RuntimeError("connector bug")
        return super().export_payment(record)


@pytest.fixture
def queue(settings: Settings) -> Iterator[ExportQueue]:
    view = open_view(settings, "erp_export", SQLiteExportQueue, PostgresExportQueue)
    yield view
    view.datastore.close()  # type: ignore[attr-defined]


def funded_run(payments: Payments, erp: BreaksOnInvoice, nickname: str = "Op") -> UUID:
    payments.configure_erp(
        COMPANY,
        connector="quickbooks_online",
        payment_record_sync_enabled=True,
        override_subcontractor_invoice_number=False,
        erp_base_url="fake",
        actor="ann",
    )
    account = payments.open_funding_account(
        COMPANY, nickname=nickname, bank_id=nickname, next_check_number=1, actor="pat"
    )
    sync = InvoiceSync(payments, FakeConnectors(erp))
    invoices = []
    for number in ("INV-1", erp.broken_invoice, "INV-3"):
        invoice = payments.receive_invoice(
            COMPANY,
            # An invoice number is the vendor's once per company: each run has its own.
            invoice_number=number if nickname == "Op" else f"{number}-{nickname}",
            vendor_id="v",
            vendor_name="V",
            erp_vendor_id="V1",
            project="P",
            amount_due="10.00",
            actor="intake",
        )
        payments.approve_invoice(COMPANY, invoice, "ann")
        sync.sync(COMPANY, invoice, "ann")
        invoices.append(invoice)
    run = payments.draft_disbursement(
        COMPANY,
        name="run",
        funding_account_id=account,
        payments=[(i, "10.00") for i in invoices],
        actor="pat",
    )
    payments.authorize(COMPANY, run, "pat")
    payments.complete_funding(COMPANY, run, datetime.now(UTC), "bank")
    return run


def statuses(payments: Payments, run: UUID) -> list[str]:
    return [p.export_status for p in payments.disbursement(COMPANY, run).payments]


@pytest.mark.parametrize("window", [60.0, 0.0], ids=["within the window", "window spent"])
def test_a_record_that_breaks_the_export_neither_blocks_the_others_nor_vanishes(
    payments: Payments, queue: ExportQueue, window: float
) -> None:
    erp = BreaksOnInvoice()
    run = funded_run(payments, erp)
    Follower(payments, ExportPolicy(queue, payments)).catch_up()
    executor = ExportExecutor(
        payments, queue, FakeConnectors(erp), retry=RetryPolicy(window_seconds=window)
    )

    assert executor.run_due() == 3

    if window:
        assert statuses(payments, run) == ["exported", "pending", "exported"]
        (waiting,) = queue.jobs()
        assert waiting.tries == 1
        assert "connector bug" in (waiting.last_error or "")
    else:
        assert statuses(payments, run) == ["exported", "failed_to_export", "exported"]
        broken = payments.disbursement(COMPANY, run).payments[1]
        assert broken.export_failure is not None
        assert "connector bug" in broken.export_failure.message
    assert len(erp.payments) == 2


class NeverBreaks(BreaksOnInvoice):
    def export_payment(self, record: PaymentRecordToExport) -> ErpAnswer:
        return FakeErp.export_payment(self, record)


class CountingPayments:
    """The Payments application, counting how often the executor reads ERP settings."""

    def __init__(self, payments: Payments) -> None:
        self._payments = payments
        self.settings_reads = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._payments, name)

    def erp_settings(self, company_id: str) -> object:
        self.settings_reads += 1
        return self._payments.erp_settings(company_id)


def test_the_executor_reads_a_companys_erp_settings_once_until_they_change(
    payments: Payments, queue: ExportQueue
) -> None:
    erp = NeverBreaks()
    counting = CountingPayments(payments)
    executor = ExportExecutor(counting, queue, FakeConnectors(erp))  # type: ignore[arg-type]
    follower = Follower(
        payments, ExportPolicy(queue, payments, on_settings_changed=executor.forget_settings)
    )
    funded_run(payments, erp)
    follower.catch_up()

    assert executor.run_due() == 3
    assert counting.settings_reads == 1

    funded_run(payments, erp, nickname="Second")
    payments.configure_erp(
        COMPANY,
        connector="quickbooks_online",
        payment_record_sync_enabled=True,
        override_subcontractor_invoice_number=False,
        erp_base_url="other",
        actor="ann",
    )
    follower.catch_up()
    assert executor.run_due() == 3
    assert counting.settings_reads == 2
    assert executor.erp_settings(COMPANY).erp_base_url == "other"


def test_jobs_completed_together_are_exactly_the_ones_named(queue: ExportQueue) -> None:
    jobs = [ExportJob(COMPANY, uuid4(), uuid4(), attempt, 0.0, 0.0) for attempt in (1, 1, 2, 1)]
    queue.apply([Enqueue(job) for job in jobs], Tracking("Payments", 1))
    kept_attempt = ExportJob(COMPANY, jobs[2].disbursement_id, jobs[2].payment_id, 3, 0.0, 0.0)
    queue.apply([Enqueue(kept_attempt)], Tracking("Payments", 2))

    queue.complete_all([(jobs[0].payment_id, 1), (jobs[2].payment_id, 2)])
    queue.complete_all([])

    left = {(job.payment_id, job.attempt) for job in queue.jobs()}
    assert left == {(jobs[1].payment_id, 1), (jobs[3].payment_id, 1), (jobs[2].payment_id, 3)}
