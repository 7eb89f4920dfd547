"""The whole flow as a hypothesis state machine: any sequence of commands, any ERP answer.

Invariants after every step: no check number is issued twice by an account; invoices never
pay more than they owe; every payment the ERP holds is exported in paysync, exactly once; a
refused command changes nothing in the store.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
)

from application.export.erp_export import ExportExecutor, ExportPolicy, RetryPolicy
from application.export.invoice_sync import InvoiceSync
from application.following import Follower
from application.payments.payments import Payments
from domain.errors import DomainError
from domain.invoice_payment import ExportStatus
from infrastructure.export.queue_postgres import PostgresExportQueue
from infrastructure.export.queue_sqlite import SQLiteExportQueue
from infrastructure.store.event_store import event_store_env
from infrastructure.store.views import open_view
from tests.stateful.fake_erp import FakeConnectors, FakeErp
from tests.stores import fresh_settings

COMPANY = "acme"
ADMIN, APPROVER, ACCOUNTANT = "pat", "ann", "acct"
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500.00"), places=2)


class PaymentFlow(RuleBasedStateMachine):
    backend = "sqlite"

    invoices = Bundle("invoices")
    drafts = Bundle("drafts")
    authorized = Bundle("authorized")
    funded = Bundle("funded")

    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory()
        self._store = fresh_settings(self.backend, Path(self._tmp.name))
        store_settings = self._store.__enter__()
        self.payments = Payments(event_store_env(store_settings))
        self.erp = FakeErp()
        self.invoices_received = 0
        connectors = FakeConnectors(self.erp)
        self.queue = open_view(store_settings, "erp_export", SQLiteExportQueue, PostgresExportQueue)
        self.follower = Follower(self.payments, ExportPolicy(self.queue, self.payments))
        # No retry window: an unreachable ERP fails the record at once, as after 10 minutes.
        self.executor = ExportExecutor(
            self.payments, self.queue, connectors, retry=RetryPolicy(window_seconds=0.0)
        )
        self.sync = InvoiceSync(self.payments, connectors)
        self.accounts: list[UUID] = []

    def teardown(self) -> None:
        self.queue.datastore.close()  # type: ignore[attr-defined]
        self.payments.close()
        self._store.__exit__(None, None, None)
        self._tmp.cleanup()

    def refused_changes_nothing(self, command: object, *args: object, **kwargs: object) -> object:
        """Run a command; when the domain refuses it, the store must be exactly as before."""
        before = self.payments.recorder.max_notification_id()
        try:
            return command(*args, **kwargs)  # type: ignore[operator]
        except DomainError:
            assert self.payments.recorder.max_notification_id() == before
            return None

    @initialize()
    def a_company_with_two_funding_accounts(self) -> None:
        self.payments.configure_erp(
            COMPANY,
            connector="quickbooks_online",
            payment_record_sync_enabled=True,
            override_subcontractor_invoice_number=False,
            erp_base_url="fake",
            actor=APPROVER,
        )
        for n in range(2):
            self.accounts.append(
                self.payments.open_funding_account(
                    COMPANY,
                    nickname=f"Account {n}",
                    bank_id=f"10{n}",
                    next_check_number=100,
                    actor=ADMIN,
                )
            )

    @rule(target=invoices, amount=amounts, synced=st.booleans())
    def an_invoice_is_received_and_approved(self, amount: Decimal, synced: bool) -> UUID:
        self.invoices_received += 1  # a vendor's invoice numbers are its own, once each
        invoice = self.payments.receive_invoice(
            COMPANY,
            invoice_number=f"INV-{self.invoices_received}",
            vendor_id="v",
            vendor_name="Rebar Co",
            erp_vendor_id="V1",
            project="Tower",
            amount_due=str(amount),
            actor="intake",
        )
        self.payments.approve_invoice(COMPANY, invoice, APPROVER)
        if synced:
            self.sync.sync(COMPANY, invoice, APPROVER)
        return invoice

    @rule(invoice=invoices)
    def an_invoice_is_synced_later(self, invoice: UUID) -> None:
        self.sync.sync(COMPANY, invoice, APPROVER)

    @rule(
        target=drafts,
        first=invoices,
        more=st.lists(invoices, max_size=3),
        share=st.sampled_from(["1.00", "0.50", "0.01"]),
        account=st.integers(0, 1),
    )
    def a_disbursement_is_drafted(
        self, first: UUID, more: list[UUID], share: str, account: int
    ) -> object:
        payments = []
        for invoice in dict.fromkeys([first, *more]):
            open_amount = self.payments.invoice(COMPANY, invoice).open_amount
            amount = max(Decimal("0.01"), (open_amount * Decimal(share)).quantize(Decimal("0.01")))
            payments.append((invoice, str(amount)))
        drafted = self.refused_changes_nothing(
            self.payments.draft_disbursement,
            COMPANY,
            name="run",
            funding_account_id=self.accounts[account],
            payments=payments,
            actor=ADMIN,
        )
        return multiple(drafted) if drafted else multiple()

    @rule(target=authorized, draft=consumes(drafts), who=st.sampled_from([ADMIN, APPROVER]))
    def a_draft_is_authorized(self, draft: UUID, who: str) -> object:
        done = self.refused_changes_nothing(self.payments.authorize, COMPANY, draft, who)
        return multiple(draft) if done else multiple()

    @rule(draft=consumes(drafts))
    def a_draft_is_canceled(self, draft: UUID) -> None:
        self.payments.cancel(COMPANY, draft, "not needed", ADMIN)

    @rule(target=funded, disbursement=consumes(authorized), completes=st.booleans())
    def funding_completes_or_fails(self, disbursement: UUID, completes: bool) -> object:
        if completes:
            self.payments.complete_funding(COMPANY, disbursement, datetime.now(UTC), "bank")
            return multiple(disbursement)
        self.payments.fail_funding(COMPANY, disbursement, "returned", "bank")
        return multiple()

    @rule(
        target=funded,
        amounts_due=st.lists(amounts, min_size=1, max_size=3),
        synced=st.booleans(),
        account=st.integers(0, 1),
    )
    def a_run_is_paid_start_to_end(
        self, amounts_due: list[Decimal], synced: bool, account: int
    ) -> UUID:
        """The common path in one step, so short runs reach the export too."""
        invoices = [self.an_invoice_is_received_and_approved(a, synced) for a in amounts_due]
        drafted = self.payments.draft_disbursement(
            COMPANY,
            name="run",
            funding_account_id=self.accounts[account],
            payments=[(i, str(a)) for i, a in zip(invoices, amounts_due, strict=True)],
            actor=ADMIN,
        )
        self.payments.authorize(COMPANY, drafted, ADMIN)
        self.payments.complete_funding(COMPANY, drafted, datetime.now(UTC), "bank")
        return drafted

    @rule(mode=st.sampled_from(["accept", "refuse", "unavailable", "lost_answer"]))
    def the_export_runs_against_an_erp_that(self, mode: str) -> None:
        self.erp.mode = mode
        self.follower.catch_up()
        while self.executor.run_due():
            self.follower.catch_up()
        self.follower.catch_up()
        event(f"ERP holds {min(len(self.erp.payments), 3)}+ records")
        event(f"{min(len(self.erp.answers) - len(self.erp.payments), 2)}+ refusals stored")

    @rule(disbursement=funded, new_number=st.integers(1, 400))
    def a_failed_record_gets_a_typed_check_number(
        self, disbursement: UUID, new_number: int
    ) -> None:
        for payment in self.failed(disbursement):
            self.refused_changes_nothing(
                self.payments.edit_failed_payment,
                COMPANY,
                disbursement,
                payment,
                actor=ACCOUNTANT,
                check_number=new_number,
            )

    @rule(disbursement=funded)
    def failed_records_are_relinked_and_exported_again(self, disbursement: UUID) -> None:
        for payment in self.failed(disbursement):
            self.refused_changes_nothing(
                self.payments.relink_payment, COMPANY, disbursement, payment, ACCOUNTANT
            )
            # Refused while the record still links no bill (its invoice was never synced).
            self.refused_changes_nothing(
                self.payments.request_export, COMPANY, disbursement, payment, ACCOUNTANT
            )

    @rule(account=st.integers(0, 1), number=st.integers(1, 600))
    def the_next_check_number_is_changed(self, account: int, number: int) -> None:
        self.refused_changes_nothing(
            self.payments.update_funding_account,
            COMPANY,
            self.accounts[account],
            actor=ACCOUNTANT,
            next_check_number=number,
        )

    def failed(self, disbursement: UUID) -> list[UUID]:
        view = self.payments.disbursement(COMPANY, disbursement)
        return [p.id for p in view.payments if p.export_status == "failed_to_export"]

    # --- invariants ---------------------------------------------------------------------------
    @invariant()
    def no_payment_is_booked_twice_in_the_erp(self) -> None:
        booked = Counter(record.payment_id for record in self.erp.payments.values())
        assert all(count == 1 for count in booked.values()), booked

    @invariant()
    def check_numbers_never_repeat_on_an_account(self) -> None:
        for account in self.accounts:
            numbers: list[int] = []
            for recorded in self.payments.events.get(account):
                numbers += getattr(recorded, "check_numbers", [])
                if hasattr(recorded, "check_number"):
                    numbers.append(recorded.check_number)
            assert len(numbers) == len(set(numbers))

    @invariant()
    def what_the_erp_holds_paysync_calls_exported_or_will_retry(self) -> None:
        for erp_ref, record in self.erp.payments.items():
            view = self.payments.disbursement(COMPANY, record.disbursement_id)
            payment = next(p for p in view.payments if p.id == record.payment_id)
            if payment.export_status == "exported":
                assert payment.erp_payment_ref == erp_ref
            elif payment.export_status == ExportStatus.PENDING:  # Export clicked: sent again, and
                # under the same attempt, so the key the ERP holds answers it
                assert record.idempotency_key.endswith(f"-{payment.export_attempt}")
            else:  # the answer was lost: paysync must retry under the same key
                assert payment.export_failure is not None
                assert payment.export_failure.reason.is_transient


PaymentFlow.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_payment_flow_on_sqlite = PaymentFlow.TestCase


class PaymentFlowOnPostgres(PaymentFlow):
    backend = "postgres"


PaymentFlowOnPostgres.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_payment_flow_on_postgres = PaymentFlowOnPostgres.TestCase
