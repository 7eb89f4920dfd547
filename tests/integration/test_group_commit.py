"""Authorizations on one account decided and saved together: every rule, every number kept."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from application.payments.payments import Authorization, Payments
from domain.disbursement import Disbursement
from domain.errors import (
    AmountExceedsOpenAmount,
    DisbursementNotInDraft,
    SeparationOfDutiesViolated,
)
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from infrastructure.store.hot_locks import hot_locks
from tests.integration.test_payments_application import (
    APPROVER,
    COMPANY,
    DISBURSER,
    approved_invoice,
    draft,
    drafts_paying,
    issued_numbers,
    more_instances,
    open_account,
    race,
)

__all__ = ["more_instances"]  # the fixture, used by name


def queued(payments: Payments, disbursement_id: UUID, actor: str = DISBURSER) -> Authorization:
    disbursement = payments.repository.get(disbursement_id)
    assert isinstance(disbursement, Disbursement)
    return Authorization(COMPANY, disbursement, payments._invoices_of(disbursement), actor)


def test_a_refused_authorization_in_a_batch_leaves_no_gap_in_the_numbers(
    payments: Payments,
) -> None:
    account = open_account(payments, next_check_number=701)
    drafts = [
        draft(payments, account, [(approved_invoice(payments, number=f"INV-{n}"), "10.00")])
        for n in range(3)
    ]
    batch = [queued(payments, drafts[0]), queued(payments, drafts[1], APPROVER)]
    batch.append(queued(payments, drafts[2]))

    payments._authorize_together(batch)

    assert [r.answered for r in batch] == [True, True, True]
    assert isinstance(batch[1].error, SeparationOfDutiesViolated)
    assert [batch[0].error, batch[2].error] == [None, None]
    assert issued_numbers(payments, drafts) == [[701], [None], [702]]
    assert payments.funding_account(COMPANY, account).next_check_number == 703


def test_two_authorizations_of_one_invoice_in_a_batch_never_pay_it_twice(
    payments: Payments,
) -> None:
    account = open_account(payments)
    invoice = approved_invoice(payments, amount="100.00")
    drafts = [draft(payments, account, [(invoice, "60.00")]) for _ in range(2)]

    outcomes = race([lambda d=d: _outcome(payments, d) for d in drafts])

    assert sorted(outcomes) == sorted(["authorized", AmountExceedsOpenAmount.__name__])
    assert payments.invoice(COMPANY, invoice).open_amount == Decimal("40.00")


def test_one_disbursement_authorized_twice_at_once_is_authorized_once(
    payments: Payments, more_instances: list[Payments]
) -> None:
    account = open_account(payments, next_check_number=41)
    invoice = approved_invoice(payments)
    disbursement = draft(payments, account, [(invoice, "10.00")])
    apps = [payments, payments, *more_instances]

    outcomes = race([lambda app=app: _outcome(app, disbursement) for app in apps])

    assert sorted(outcomes).count("authorized") == 1
    assert set(outcomes) == {"authorized", DisbursementNotInDraft.__name__}
    assert issued_numbers(payments, [disbursement]) == [[41]]
    assert payments.funding_account(COMPANY, account).next_check_number == 42


def _outcome(payments: Payments, disbursement: UUID) -> str:
    try:
        payments.authorize(COMPANY, disbursement, DISBURSER)
    except Exception as error:  # the kind of refusal is what the test compares
        return type(error).__name__
    return "authorized"


def test_processes_sharing_the_hot_account_lock_issue_consecutive_numbers(
    payments: Payments, settings: Settings
) -> None:
    account = open_account(payments, next_check_number=9001)
    drafts = drafts_paying(payments, account, 12, 1)
    locks = [hot_locks(settings), hot_locks(settings)]  # as two processes would hold them
    apps = [Payments(event_store_env(settings), between=lock) for lock in locks]
    try:
        race([lambda n=n: apps[n % 2].authorize(COMPANY, drafts[n], DISBURSER) for n in range(12)])
    finally:
        for closable in (*apps, *locks):
            closable.close()

    every_number = sorted(n for numbers in issued_numbers(payments, drafts) for n in numbers)
    assert every_number == list(range(9001, 9013))
