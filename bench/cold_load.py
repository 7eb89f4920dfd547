"""Cold load of a funding account with a long history (issue 10, figure 1).

paysync: a fresh application (cold cache) loads the account: the nearest snapshot and the
events after it. Baseline: selecting and decoding every one of its stored events, which is
what a load without snapshots must at least do. Also a `version=` read half way back.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from application.payments.payments import Payments
from bench.harness import Figure, interleaved, opened_account, stopwatch
from domain.funding_account import FundingAccount
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env

COMPANY = "bench"
ACTOR = "bench"
SAVE_EVERY = 5_000


def fill(payments: Payments, checks: int) -> UUID:
    """An account that issued `checks` check numbers, one authorization each."""
    account_id = opened_account(payments, COMPANY, ACTOR)
    account = payments.repository.get(account_id)
    assert isinstance(account, FundingAccount)
    for n in range(checks):
        account.issue_check_numbers(uuid4(), 1, ACTOR)
        if n % SAVE_EVERY == SAVE_EVERY - 1:
            payments.save(account)
    payments.save(account)
    return account_id


def cold_app(settings: Settings) -> Payments:
    app = Payments(event_store_env(settings))
    app.recorder.max_notification_id()  # the connection is open before the clock starts
    return app


def run(backend: str, settings: Settings, size: int, repeats: int) -> list[Figure]:
    payments = Payments(event_store_env(settings))
    try:
        account_id = fill(payments, size)
    finally:
        payments.close()
    now = Figure(
        f"cold load, account with {size:,} checks",
        "ms",
        "< 20 ms",
        baseline_name="select + decode its events",
    )
    middle = size // 2 + 7
    then = Figure(
        f"cold `version={middle:,}` read of it",
        "ms",
        "< 20 ms",
        baseline_name="select + decode its events to there",
    )

    def timed(figure: list[float], read: object) -> None:
        app = cold_app(settings)
        try:
            with stopwatch(figure):
                read(app)  # type: ignore[operator]
        finally:
            app.close()

    interleaved(
        repeats,
        lambda: timed(now.paysync, lambda app: app.repository.get(account_id)),
        lambda: timed(now.baseline, lambda app: list(app.events.get(account_id))),
        lambda: timed(then.paysync, lambda app: app.repository.get(account_id, version=middle)),
        lambda: timed(then.baseline, lambda app: list(app.events.get(account_id, lte=middle))),
    )
    return [now, then]
