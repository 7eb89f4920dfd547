"""Authorizations on one hot funding account (issue 10, figure 3).

paysync: clients authorize disbursements (one payment each) on one funding account, from 1,
2, 4 and 8 threads of one process, and from 2 processes of 4 threads. Baseline: the naive
get-decide-save loop (retrying lost races) on one bare library aggregate, 8 threads, in the
same run. Target: 8 clients at least 10x the naive loop, and more clients never slower.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from application.payments.payments import Payments
from bench.harness import Figure, opened_account, received_invoice
from domain import drawdown
from domain.funding_account import FundingAccount
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from infrastructure.store.hot_locks import hot_locks

COMPANY = "bench"
APPROVER, DISBURSER = "alice.approver", "dan.disburser"
CLIENTS = (1, 2, 4, 8)


class Counter(Aggregate):
    """The bare aggregate of the naive loop: one event per command."""

    @event("Counted")
    def count(self) -> None:
        pass


class Bare(Application[UUID]):
    name = "Bare"


def naive_loop(app: Bare, counter_id: UUID, commands: int, clients: int) -> float:
    """Commands per second of get-decide-save with retries, no lock, from `clients` threads."""

    def command() -> None:
        while True:
            counter = app.repository.get(counter_id)
            counter.count()
            try:
                app.save(counter)
            except IntegrityError:
                continue
            return

    return _rate(commands, clients, lambda _n: command())


def _rate(commands: int, clients: int, run: Callable[[int], None]) -> float:
    with ThreadPoolExecutor(max_workers=clients) as pool:
        started = time.perf_counter()
        for future in [pool.submit(run, n) for n in range(commands)]:
            future.result()
        return commands / (time.perf_counter() - started)


def drafts(payments: Payments, account_id: UUID, count: int) -> list[UUID]:
    """`count` drafts of one payment each, saved a few hundred aggregates at a time."""
    account = payments.repository.get(account_id)
    assert isinstance(account, FundingAccount)
    ids, pending = [], []
    for n in range(count):
        invoice = received_invoice(COMPANY, n)
        invoice.approve(APPROVER)
        draft = drawdown.draft_disbursement(
            name=f"Run {n}", account=account, payments=[(invoice, "10.00")], actor=DISBURSER
        )
        ids.append(draft.id)
        pending += [invoice, draft]
        if len(pending) >= 400:
            payments.save(*pending)
            pending = []
    payments.save(*pending)
    return ids


def authorizations(payments: Payments, ids: list[UUID], clients: int) -> float:
    return _rate(
        len(ids), clients, lambda n: payments.authorize(COMPANY, ids[n], DISBURSER) and None
    )


def _process(settings: Settings, ids: list[UUID], threads: int, ready: object, go: object) -> None:
    between = hot_locks(settings)
    payments = Payments(event_store_env(settings), between=between)
    try:
        payments.recorder.max_notification_id()
        ready.release()  # type: ignore[attr-defined]
        go.wait()  # type: ignore[attr-defined]
        authorizations(payments, ids, threads)
    finally:
        payments.close()
        between.close()


def in_processes(settings: Settings, ids: list[UUID], processes: int, threads: int) -> float:
    context = multiprocessing.get_context("spawn")
    ready, go = context.Semaphore(0), context.Event()
    shares = [ids[p::processes] for p in range(processes)]
    workers = [
        context.Process(target=_process, args=(settings, share, threads, ready, go))
        for share in shares
    ]
    for worker in workers:  # one at a time: two first connections would race to make tables
        worker.start()
        ready.acquire()
    started = time.perf_counter()
    go.set()
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0, "a client process failed"
    return len(ids) / (time.perf_counter() - started)


def run(backend: str, settings: Settings, size: int, repeats: int) -> list[Figure]:
    env = event_store_env(settings)
    between = hot_locks(settings)
    payments = Payments(env, between=between)
    bare = Bare(env)
    try:
        account_id = opened_account(payments, COMPANY, DISBURSER)
        counter = Counter()
        bare.save(counter)
        configs = [*(f"{c} thread{'s' * (c > 1)}" for c in CLIENTS), "2 processes x 4 threads"]
        batches: Iterator[list[UUID]] = iter(
            [drafts(payments, account_id, size) for _ in range(repeats * len(configs))]
        )
        figures = {
            config: Figure(
                f"authorizations on one account, {config}",
                "/s",
                ">= 10x naive (8 clients); never below fewer clients",
                baseline_name="naive loop, 8 threads",
            )
            for config in configs
        }
        naive_one = Figure(
            "naive get-decide-save, 1 thread (for reference)",
            "/s",
            "",
            baseline_name="naive loop, 8 threads",
        )
        naive_size = max(size // 4, 8)
        for _ in range(repeats):
            naive_eight = naive_loop(bare, counter.id, naive_size, 8)
            naive_one.paysync.append(naive_loop(bare, counter.id, naive_size, 1))
            naive_one.baseline.append(naive_eight)
            for clients in CLIENTS:
                figure = figures[configs[CLIENTS.index(clients)]]
                figure.paysync.append(authorizations(payments, next(batches), clients))
                figure.baseline.append(naive_eight)
            figure = figures[configs[-1]]
            figure.paysync.append(in_processes(settings, next(batches), 2, 4))
            figure.baseline.append(naive_eight)
        check_consecutive(payments, account_id)
        return [*figures.values(), naive_one]
    finally:
        bare.close()
        payments.close()
        between.close()


def check_consecutive(payments: Payments, account_id: UUID) -> None:
    """The benchmark's own proof that speed cost nothing: one run of numbers, no gaps."""
    account = payments.repository.get(account_id)
    assert isinstance(account, FundingAccount)
    runs = account.issued.runs()
    assert len(runs) == 1, f"gaps or repeats in {runs[:5]}"
    assert runs[0][0] == 1001, f"gaps or repeats in {runs[:5]}"
