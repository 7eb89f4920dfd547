"""The Payments application on each event store: the lifecycle, history, companies, and races."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

import pytest

from application.errors import NotFound, UnknownReference
from application.payments.payments import Payments
from domain.company import Company
from domain.errors import (
    AmountExceedsOpenAmount,
    BankIdTaken,
    CancelReasonMissing,
    CheckNumberWouldRepeat,
    DisbursementNotInDraft,
    DomainError,
    ExportNotPending,
    FundingAccountDeactivated,
    FundingNotRequested,
    InvoiceAlreadyApproved,
    InvoiceStillNotSynced,
    NicknameTaken,
    PaymentNotFailedToExport,
    RelinkBeforeExporting,
    SeparationOfDutiesViolated,
    UnknownConnector,
)
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice_payment import ExportStatus
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env

COMPANY = "acme"
OTHER_COMPANY = "globex"
ADMIN = "pat.payments-admin"
APPROVER = "alice.approver"
DISBURSER = "dan.disburser"
ACCOUNTANT = "ann.accountant"
BANK = "bank-webhook"
EXPORTER = "erp-export"

R = TypeVar("R")


# --- building records through the application ---------------------------------------------------
def configure(payments: Payments, company: str = COMPANY, *, sync: bool = True) -> None:
    payments.configure_erp(
        company,
        connector="quickbooks_online",
        payment_record_sync_enabled=sync,
        override_subcontractor_invoice_number=False,
        erp_base_url=None,
        actor=ACCOUNTANT,
    )


def open_account(
    payments: Payments,
    company: str = COMPANY,
    *,
    nickname: str = "Operating",
    bank_id: str = "35",
    next_check_number: int = 1001,
) -> UUID:
    return payments.open_funding_account(
        company,
        nickname=nickname,
        bank_id=bank_id,
        next_check_number=next_check_number,
        actor=ADMIN,
    )


def approved_invoice(
    payments: Payments, company: str = COMPANY, *, number: str = "INV-1", amount: str = "1000.00"
) -> UUID:
    invoice_id = payments.receive_invoice(
        company,
        actor="invoice-management",
        invoice_number=number,
        vendor_id="vendor-1",
        vendor_name="Steel Subcontractor LLC",
        erp_vendor_id="erp-vendor-1",
        project="Tower A",
        amount_due=amount,
    )
    payments.approve_invoice(company, invoice_id, APPROVER)
    return invoice_id


def draft(
    payments: Payments,
    account_id: UUID,
    invoice_amounts: list[tuple[UUID, str]],
    company: str = COMPANY,
) -> UUID:
    return payments.draft_disbursement(
        company,
        name="Week 12",
        funding_account_id=account_id,
        payments=invoice_amounts,
        actor=DISBURSER,
    )


def drafts_paying(
    payments: Payments, account_id: UUID, disbursements: int, payments_each: int
) -> list[UUID]:
    drafts = []
    for d in range(disbursements):
        invoices = [approved_invoice(payments, number=f"INV-{d}-{p}") for p in range(payments_each)]
        drafts.append(draft(payments, account_id, [(i, "1000.00") for i in invoices]))
    return drafts


@pytest.fixture
def more_instances(settings: Settings) -> Iterator[list[Payments]]:
    """Three more Payments applications on the same store, as other processes would be."""
    apps = [Payments(event_store_env(settings)) for _ in range(3)]
    yield apps
    for app in apps:
        app.close()


def race(calls: list[Callable[[], R]]) -> list[R]:
    """Run every call at once, each on its own thread, released together."""
    start = threading.Barrier(len(calls))

    def released(call: Callable[[], R]) -> R:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(released, call) for call in calls]
        return [future.result() for future in futures]


# --- the lifecycle --------------------------------------------------------------------------
def test_a_disbursement_is_drafted_authorized_funded_and_pays_its_invoices(
    payments: Payments,
) -> None:
    configure(payments, sync=True)
    account = open_account(payments, next_check_number=1001, bank_id="35")
    full = approved_invoice(payments, number="INV-1", amount="1000.00")
    partial = approved_invoice(payments, number="INV-2", amount="500.00")

    drafted = draft(payments, account, [(full, "1000.00"), (partial, "200.00")])
    assert payments.disbursement(COMPANY, drafted).status == "draft"

    authorized = payments.authorize(COMPANY, drafted, DISBURSER)
    assert authorized.status == "funding_requested"
    assert [(p.check_number, p.bank_id) for p in authorized.payments] == [
        (1001, "35"),
        (1002, "35"),
    ]
    assert payments.invoice(COMPANY, partial).open_amount == Decimal("300.00")

    funded = payments.complete_funding(COMPANY, drafted, datetime.now(UTC), BANK)
    assert funded.status == "funding_complete"
    assert {(p.payout_status, p.export_status, p.export_attempt) for p in funded.payments} == {
        ("completed", "pending", 1)
    }
    assert payments.invoice(COMPANY, full).payment_status == "paid"
    assert payments.invoice(COMPANY, partial).payment_status == "partially_paid"
    assert payments.funding_account(COMPANY, account).next_check_number == 1003


def test_with_payment_record_sync_off_funded_payments_are_not_exported(
    payments: Payments,
) -> None:
    configure(payments, sync=False)
    account = open_account(payments)
    drafted = draft(payments, account, [(approved_invoice(payments), "1000.00")])
    payments.authorize(COMPANY, drafted, DISBURSER)
    funded = payments.complete_funding(COMPANY, drafted, datetime.now(UTC), BANK)
    assert [p.export_status for p in funded.payments] == ["sync_disabled"]


def test_failed_funding_reopens_the_invoices(payments: Payments) -> None:
    account = open_account(payments)
    invoice = approved_invoice(payments, amount="1000.00")
    drafted = draft(payments, account, [(invoice, "1000.00")])
    payments.authorize(COMPANY, drafted, DISBURSER)
    failed = payments.fail_funding(COMPANY, drafted, "returned by the bank", BANK)
    assert failed.status == "funding_failed"
    assert payments.invoice(COMPANY, invoice).open_amount == Decimal("1000.00")
    payments.authorize(COMPANY, draft(payments, account, [(invoice, "1000.00")]), DISBURSER)


def test_a_check_number_typed_on_a_failed_payment_is_never_issued_later(
    payments: Payments,
) -> None:
    configure(payments, sync=True)
    account = open_account(payments, next_check_number=1001)
    first = draft(payments, account, [(approved_invoice(payments, number="INV-1"), "1000.00")])
    payments.authorize(COMPANY, first, DISBURSER)
    funded = payments.complete_funding(COMPANY, first, datetime.now(UTC), BANK)
    (payment,) = funded.payments
    payments.record_export_failed(
        COMPANY,
        first,
        payment.id,
        attempt=1,
        reason=ExportFailureReason.CHECK_NUMBER_IN_USE,
        message="Duplicate Document Number Error",
        erp_code="6140",
        actor=EXPORTER,
    )
    fixed = payments.edit_failed_payment(
        COMPANY, first, payment.id, check_number=1002, actor=ACCOUNTANT
    )
    assert fixed.payments[0].check_number == 1002
    assert (
        payments.request_export(COMPANY, first, payment.id, ACCOUNTANT).payments[0].export_attempt
        == 2
    )

    second = draft(payments, account, [(approved_invoice(payments, number="INV-2"), "1000.00")])
    assert [p.check_number for p in payments.authorize(COMPANY, second, DISBURSER).payments] == [
        1003
    ]


def test_a_fresh_application_reads_back_exactly_what_was_written(
    payments: Payments, more_instances: list[Payments]
) -> None:
    configure(payments, sync=True)
    account = open_account(payments)
    invoice = approved_invoice(payments)
    drafted = draft(payments, account, [(invoice, "999.99")])
    payments.authorize(COMPANY, drafted, DISBURSER)
    written = payments.complete_funding(COMPANY, drafted, datetime.now(UTC), BANK)
    reader = more_instances[0]
    assert reader.disbursement(COMPANY, drafted) == written
    assert reader.invoice(COMPANY, invoice) == payments.invoice(COMPANY, invoice)
    assert reader.funding_account(COMPANY, account) == payments.funding_account(COMPANY, account)
    assert reader.erp_settings(COMPANY) == payments.erp_settings(COMPANY)


# --- reading the past -----------------------------------------------------------------------
def test_a_disbursement_reads_as_it_was_at_an_earlier_version(payments: Payments) -> None:
    account = open_account(payments)
    drafted = draft(payments, account, [(approved_invoice(payments), "1000.00")])
    payments.authorize(COMPANY, drafted, DISBURSER)
    payments.complete_funding(COMPANY, drafted, datetime.now(UTC), BANK)

    at_draft = payments.disbursement(COMPANY, drafted, version=1)
    at_authorization = payments.disbursement(COMPANY, drafted, version=2)
    assert (at_draft.version, at_draft.status, at_draft.payments[0].check_number) == (
        1,
        "draft",
        None,
    )
    assert (at_authorization.status, at_authorization.payments[0].check_number) == (
        "funding_requested",
        1001,
    )
    assert payments.disbursement(COMPANY, drafted).status == "funding_complete"


def test_a_disbursement_reads_as_it_was_at_an_earlier_moment(payments: Payments) -> None:
    account = open_account(payments)
    invoice = approved_invoice(payments)
    before_draft = datetime.now(UTC)
    drafted = draft(payments, account, [(invoice, "1000.00")])
    after_draft = datetime.now(UTC)
    payments.authorize(COMPANY, drafted, DISBURSER)
    after_authorization = datetime.now(UTC)

    assert payments.disbursement(COMPANY, drafted, as_of=after_draft).status == "draft"
    assert (
        payments.disbursement(COMPANY, drafted, as_of=after_authorization).status
        == "funding_requested"
    )
    with pytest.raises(NotFound):
        payments.disbursement(COMPANY, drafted, as_of=before_draft)


# --- one company never sees another's records -----------------------------------------------
@dataclass
class TwoCompanies:
    account: UUID
    invoice: UUID
    disbursement: UUID


@pytest.fixture
def acme_records(payments: Payments) -> TwoCompanies:
    configure(payments, COMPANY)
    configure(payments, OTHER_COMPANY)
    open_account(payments, OTHER_COMPANY)
    account = open_account(payments, COMPANY)
    invoice = approved_invoice(payments, COMPANY)
    return TwoCompanies(account, invoice, draft(payments, account, [(invoice, "10.00")]))


CROSS_COMPANY: dict[str, Callable[[Payments, TwoCompanies], object]] = {
    "read disbursement": lambda p, r: p.disbursement(OTHER_COMPANY, r.disbursement),
    "read disbursement at version": lambda p, r: p.disbursement(
        OTHER_COMPANY, r.disbursement, version=1
    ),
    "read invoice": lambda p, r: p.invoice(OTHER_COMPANY, r.invoice),
    "read funding account": lambda p, r: p.funding_account(OTHER_COMPANY, r.account),
    "approve invoice": lambda p, r: p.approve_invoice(OTHER_COMPANY, r.invoice, "bob"),
    "authorize": lambda p, r: p.authorize(OTHER_COMPANY, r.disbursement, "bob"),
    "cancel": lambda p, r: p.cancel(OTHER_COMPANY, r.disbursement, "mine now", "bob"),
    "update funding account": lambda p, r: p.update_funding_account(
        OTHER_COMPANY, r.account, next_check_number=5000, actor="bob"
    ),
    "deactivate funding account": lambda p, r: p.deactivate_funding_account(
        OTHER_COMPANY, r.account, "bob"
    ),
    "read an invoice id as a disbursement": lambda p, r: p.disbursement(COMPANY, r.invoice),
}


@pytest.mark.parametrize("command", CROSS_COMPANY.values(), ids=CROSS_COMPANY.keys())
def test_a_record_of_one_company_is_not_found_in_another(
    payments: Payments,
    acme_records: TwoCompanies,
    command: Callable[[Payments, TwoCompanies], object],
) -> None:
    before = payments.recorder.max_notification_id()
    with pytest.raises(NotFound):
        command(payments, acme_records)
    assert payments.recorder.max_notification_id() == before


def test_a_draft_naming_another_companys_invoice_or_account_is_an_unknown_reference(
    payments: Payments, acme_records: TwoCompanies
) -> None:
    other_account = open_account(payments, OTHER_COMPANY, nickname="Theirs", bank_id="99")
    other_invoice = approved_invoice(payments, OTHER_COMPANY)
    before = payments.recorder.max_notification_id()
    with pytest.raises(UnknownReference):
        draft(payments, other_account, [(acme_records.invoice, "1.00")], OTHER_COMPANY)
    with pytest.raises(UnknownReference):
        draft(payments, acme_records.account, [(other_invoice, "1.00")], COMPANY)
    assert payments.recorder.max_notification_id() == before


# --- a refused command changes nothing ------------------------------------------------------
@dataclass
class Scene:
    """A company mid-flow: a draft, a funded disbursement whose record failed, two accounts."""

    account: UUID
    payroll: UUID
    open_invoice: UUID
    paid_invoice: UUID
    draft: UUID
    funded: UUID
    failed_payment: UUID

    draft_payment: UUID

    def ids(self) -> list[UUID]:
        aggregates = [self.account, self.payroll, self.open_invoice, self.paid_invoice]
        return [Company.id_for(COMPANY), *aggregates, self.draft, self.funded]


@pytest.fixture
def scene(payments: Payments) -> Scene:
    configure(payments, sync=True)
    account = open_account(payments, nickname="Operating", bank_id="35", next_check_number=1001)
    payroll = open_account(payments, nickname="Payroll", bank_id="36")
    open_invoice = approved_invoice(payments, number="INV-1")
    paid_invoice = approved_invoice(payments, number="INV-2")
    drafted = draft(payments, account, [(open_invoice, "400.00")])
    funded = draft(payments, account, [(paid_invoice, "1000.00")])
    payments.authorize(COMPANY, funded, DISBURSER)
    (payment,) = payments.complete_funding(COMPANY, funded, datetime.now(UTC), BANK).payments
    payments.record_export_failed(
        COMPANY,
        funded,
        payment.id,
        attempt=1,
        reason=ExportFailureReason.INVOICE_NOT_SYNCED,
        message="no such bill",
        erp_code=None,
        actor=EXPORTER,
    )
    draft_payment = payments.disbursement(COMPANY, drafted).payments[0].id
    return Scene(
        account, payroll, open_invoice, paid_invoice, drafted, funded, payment.id, draft_payment
    )


@dataclass(frozen=True)
class Refusal:
    command: Callable[[Payments, Scene], object]
    error: type[DomainError]
    setup: Callable[[Payments, Scene], object] | None = None


REFUSALS: dict[str, Refusal] = {
    "approving twice": Refusal(
        lambda p, s: p.approve_invoice(COMPANY, s.open_invoice, "bob"), InvoiceAlreadyApproved
    ),
    "the approver authorizing": Refusal(
        lambda p, s: p.authorize(COMPANY, s.draft, APPROVER), SeparationOfDutiesViolated
    ),
    "authorizing twice": Refusal(
        lambda p, s: p.authorize(COMPANY, s.funded, DISBURSER), DisbursementNotInDraft
    ),
    "authorizing from a deactivated account": Refusal(
        lambda p, s: p.authorize(COMPANY, s.draft, DISBURSER),
        FundingAccountDeactivated,
        setup=lambda p, s: p.deactivate_funding_account(COMPANY, s.account, ADMIN),
    ),
    "lowering the next check number onto an issued one": Refusal(
        lambda p, s: p.update_funding_account(
            COMPANY, s.account, next_check_number=1001, actor=ADMIN
        ),
        CheckNumberWouldRepeat,
    ),
    "renaming and taking another account's Bank ID": Refusal(
        lambda p, s: p.update_funding_account(
            COMPANY, s.payroll, nickname="Payroll 2", bank_id="35", actor=ADMIN
        ),
        BankIdTaken,
    ),
    "opening an account with a nickname taken": Refusal(
        lambda p, s: open_account(p, nickname="OPERATING", bank_id="77"), NicknameTaken
    ),
    "choosing an unknown connector": Refusal(
        lambda p, s: p.configure_erp(
            COMPANY,
            connector="netsuite",
            payment_record_sync_enabled=False,
            override_subcontractor_invoice_number=False,
            erp_base_url=None,
            actor=ACCOUNTANT,
        ),
        UnknownConnector,
    ),
    "canceling without a reason": Refusal(
        lambda p, s: p.cancel(COMPANY, s.draft, "  ", DISBURSER), CancelReasonMissing
    ),
    "canceling an authorized disbursement": Refusal(
        lambda p, s: p.cancel(COMPANY, s.funded, "too late", DISBURSER), DisbursementNotInDraft
    ),
    "completing funding never requested": Refusal(
        lambda p, s: p.complete_funding(COMPANY, s.draft, datetime.now(UTC), BANK),
        FundingNotRequested,
    ),
    "drafting over the open amount": Refusal(
        lambda p, s: draft(p, s.account, [(s.paid_invoice, "0.01")]), AmountExceedsOpenAmount
    ),
    "fixing a Bank ID and typing a used check number": Refusal(
        lambda p, s: p.edit_failed_payment(
            COMPANY, s.funded, s.failed_payment, bank_id="99", check_number=1001, actor=ACCOUNTANT
        ),
        CheckNumberWouldRepeat,
    ),
    "editing a record that did not fail": Refusal(
        lambda p, s: p.edit_failed_payment(
            COMPANY, s.draft, s.draft_payment, check_number=4242, actor=ACCOUNTANT
        ),
        PaymentNotFailedToExport,
    ),
    "recording an outcome for a stale attempt": Refusal(
        lambda p, s: p.record_export_succeeded(
            COMPANY,
            s.funded,
            s.failed_payment,
            attempt=1,
            erp_payment_ref="late",
            marked_for_check_run=False,
            actor=EXPORTER,
        ),
        ExportNotPending,
    ),
    "relinking to an invoice never synced": Refusal(
        lambda p, s: p.relink_payment(COMPANY, s.funded, s.failed_payment, ACCOUNTANT),
        InvoiceStillNotSynced,
    ),
}


def versions(payments: Payments, ids: list[UUID]) -> dict[UUID, int]:
    return {i: payments.repository.get(i).version for i in ids}


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_command_changes_nothing(
    payments: Payments, scene: Scene, refusal: Refusal
) -> None:
    if refusal.setup is not None:
        refusal.setup(payments, scene)
    before = (versions(payments, scene.ids()), payments.recorder.max_notification_id())
    with pytest.raises(refusal.error):
        refusal.command(payments, scene)
    after = (versions(payments, scene.ids()), payments.recorder.max_notification_id())
    assert after == before


# --- racing writers -------------------------------------------------------------------------
def issued_numbers(payments: Payments, disbursements: list[UUID]) -> list[list[int | None]]:
    return [
        [p.check_number for p in payments.disbursement(COMPANY, d).payments] for d in disbursements
    ]


@pytest.mark.parametrize(
    ("disbursements", "payments_each"), [(20, 1), (8, 3)], ids=["1 payment each", "3 each"]
)
def test_authorizations_racing_on_one_account_get_distinct_consecutive_check_numbers(
    payments: Payments, more_instances: list[Payments], disbursements: int, payments_each: int
) -> None:
    account = open_account(payments, next_check_number=5001)
    drafts = drafts_paying(payments, account, disbursements, payments_each)
    apps = [payments, *more_instances]

    def authorization(n: int) -> Callable[[], object]:
        app = apps[n % len(apps)]
        return lambda: app.authorize(COMPANY, drafts[n], DISBURSER)

    race([authorization(n) for n in range(len(drafts))])

    numbers = issued_numbers(payments, drafts)
    every_number = sorted(n for numbers_of_one in numbers for n in numbers_of_one if n)
    total = disbursements * payments_each
    assert every_number == list(range(5001, 5001 + total)), "repeated or skipped check numbers"
    for numbers_of_one in numbers:  # each disbursement's own numbers follow one another
        first = numbers_of_one[0]
        assert first is not None
        assert numbers_of_one == list(range(first, first + payments_each))
    view = payments.funding_account(COMPANY, account)
    assert (view.next_check_number, view.highest_issued_check_number) == (
        5001 + total,
        5000 + total,
    )


def test_two_approvers_racing_to_change_the_next_check_number_never_lose_an_update(
    payments: Payments, more_instances: list[Payments]
) -> None:
    account = open_account(payments, next_check_number=1001)
    first_approver, second_approver = more_instances[0], more_instances[1]
    first_values = [20_000 + 2 * k for k in range(10)]
    second_values = [20_001 + 2 * k for k in range(10)]

    def changes(app: Payments, values: list[int], actor: str) -> Callable[[], list[int]]:
        def run() -> list[int]:
            return [
                app.update_funding_account(
                    COMPANY, account, next_check_number=value, actor=actor
                ).version
                for value in values
            ]

        return run

    seen_versions = race(
        [
            changes(first_approver, first_values, "approver-1"),
            changes(second_approver, second_values, "approver-2"),
        ]
    )

    recorded = [
        (event.actor, event.next_check_number)
        for event in payments.events.get(account)
        if isinstance(event, FundingAccount.NextCheckNumberChanged)
    ]
    assert sorted(value for _, value in recorded) == sorted(first_values + second_values)
    assert [v for actor, v in recorded if actor == "approver-1"] == first_values
    assert [v for actor, v in recorded if actor == "approver-2"] == second_values
    assert len(set(seen_versions[0] + seen_versions[1])) == 20
    final = payments.funding_account(COMPANY, account)
    assert final.next_check_number == recorded[-1][1]
    assert final.version == max(seen_versions[0] + seen_versions[1])


def test_admins_racing_to_open_accounts_with_one_nickname_open_exactly_one(
    payments: Payments, more_instances: list[Payments]
) -> None:
    configure(payments)
    apps = [payments, *more_instances]

    def opening(n: int) -> Callable[[], UUID | str]:
        def run() -> UUID | str:
            try:
                return open_account(apps[n], nickname="Operating", bank_id=f"B{n}")
            except NicknameTaken:
                return "refused"

        return run

    outcomes = race([opening(n) for n in range(len(apps))])
    opened = [outcome for outcome in outcomes if outcome != "refused"]
    assert len(opened) == 1
    company = payments.repository.get(Company.id_for(COMPANY))
    assert isinstance(company, Company)
    assert [nickname for nickname, _ in company.funding_accounts.values()] == ["Operating"]


def test_a_next_check_number_lowered_while_authorizations_race_never_repeats_a_number(
    payments: Payments, more_instances: list[Payments]
) -> None:
    account = open_account(payments, next_check_number=1001)
    payments.update_funding_account(COMPANY, account, next_check_number=9001, actor=ADMIN)
    drafts = drafts_paying(payments, account, disbursements=9, payments_each=1)
    apps = [payments, *more_instances]

    def authorization(n: int) -> Callable[[], object]:
        return lambda: apps[n % len(apps)].authorize(COMPANY, drafts[n], DISBURSER)

    def lowering() -> object:
        try:
            return more_instances[-1].update_funding_account(
                COMPANY, account, next_check_number=1001, actor=ADMIN
            )
        except CheckNumberWouldRepeat:
            return "refused"

    race([*(authorization(n) for n in range(len(drafts))), lowering])

    every_number = [n for numbers in issued_numbers(payments, drafts) for n in numbers]
    assert len(set(every_number)) == len(every_number) == 9


def unsynced_failure(payments: Payments, scene: Scene) -> None:
    """The scene's failed record, as the export would have seen it: its invoice unsynced."""
    payment = payments.disbursement(COMPANY, scene.funded).payments[0]
    assert payment.export_failure is not None
    assert payment.export_failure.reason is ExportFailureReason.INVOICE_NOT_SYNCED


def test_syncing_the_invoice_relinks_and_exports_the_records_that_waited_for_it(
    payments: Payments, scene: Scene
) -> None:
    unsynced_failure(payments, scene)
    with pytest.raises(RelinkBeforeExporting):
        payments.request_export(COMPANY, scene.funded, scene.failed_payment, ACCOUNTANT)

    payments.record_invoice_synced(
        COMPANY, scene.paid_invoice, erp_ref="bill-2", erp_invoice_number="INV-2", actor=APPROVER
    )
    assert payments.heal_records_waiting_for(COMPANY, scene.paid_invoice) == 1

    payment = payments.disbursement(COMPANY, scene.funded).payments[0]
    assert (payment.export_status, payment.export_attempt) == (ExportStatus.PENDING, 2)
    events = list(payments.events.get(scene.funded))[-2:]
    assert [(type(e).__name__, e.actor) for e in events] == [  # type: ignore[attr-defined]
        ("PaymentRelinked", "paysync-export"),
        ("ExportRequested", "paysync-export"),
    ]
    assert payments.heal_records_waiting_for(COMPANY, scene.paid_invoice) == 0  # once only


def test_a_failure_recorded_after_the_invoice_was_synced_heals_at_once(
    payments: Payments,
) -> None:
    # The sync lands while the ERP is being asked: the sync finds the record still pending,
    # so recording the failure must look at the invoice again.
    configure(payments, sync=True)
    account = open_account(payments, nickname="Operating", bank_id="35", next_check_number=7)
    invoice = approved_invoice(payments, number="INV-3")
    funded = draft(payments, account, [(invoice, "10.00")])
    payments.authorize(COMPANY, funded, DISBURSER)
    (payment,) = payments.complete_funding(COMPANY, funded, datetime.now(UTC), BANK).payments
    payments.record_invoice_synced(
        COMPANY, invoice, erp_ref="bill-3", erp_invoice_number="INV-3", actor=APPROVER
    )
    assert payments.heal_records_waiting_for(COMPANY, invoice) == 0  # still pending

    payments.record_export_failed(
        COMPANY,
        funded,
        payment.id,
        attempt=1,
        reason=ExportFailureReason.INVOICE_NOT_SYNCED,
        message="no bill",
        erp_code=None,
        actor=EXPORTER,
    )
    healed = payments.disbursement(COMPANY, funded).payments[0]
    assert (healed.export_status, healed.export_attempt) == (ExportStatus.PENDING, 2)
