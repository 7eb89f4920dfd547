"""Command appends (issue 10, figure 6): a paysync command beside the library's own save.

paysync: `approve_invoice`, one client: load the invoice (company-scoped), decide, save,
answer a view. Baselines, same events, same store, same run: the library's plain
Application doing get + approve + save of the same kind of invoice, and its bare `save` of
an invoice already in memory.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application

from application.payments.payments import Payments
from bench.harness import Figure, interleaved, stopwatch
from bench.http_commands import COMPANY, invoices
from domain.invoice import Invoice
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env

APPROVER = "alice.approver"


class Library(Application[UUID]):
    """The library's Application as it comes, on the same store (its own tables)."""

    name = "Library"


def run(backend: str, settings: Settings, size: int, repeats: int) -> list[Figure]:
    env = event_store_env(settings)
    payments, library = Payments(env), Library(env)
    try:
        ours = [invoices(payments, size) for _ in range(repeats)]
        theirs = [invoices(library, size) for _ in range(2 * repeats)]  # type: ignore[arg-type]
        command = Figure(
            "approve_invoice (read, decide, save)",
            "/s",
            ">= 0.9x the library",
            baseline_name="library get + approve + save",
        )
        bare = Figure(
            "approve_invoice (read, decide, save)",
            "/s",
            "(for reference)",
            baseline_name="library save alone, aggregate in memory",
        )
        rounds = iter(range(repeats))

        def paysync_round() -> None:
            batch = ours[next(rounds)]
            with stopwatch(command.paysync, "/s", len(batch)):
                for invoice_id in batch:
                    payments.approve_invoice(COMPANY, invoice_id, APPROVER)
            bare.paysync.append(command.paysync[-1])

        library_rounds = iter(range(repeats))

        def library_round() -> None:
            n = next(library_rounds)
            with stopwatch(command.baseline, "/s", size):
                for invoice_id in theirs[2 * n]:
                    invoice = library.repository.get(invoice_id)
                    invoice.approve(APPROVER)
                    library.save(invoice)
            loaded = [library.repository.get(i) for i in theirs[2 * n + 1]]
            for invoice in loaded:
                assert isinstance(invoice, Invoice)
                invoice.approve(APPROVER)
            with stopwatch(bare.baseline, "/s", size):
                for invoice in loaded:
                    library.save(invoice)

        interleaved(repeats, paysync_round, library_round)
        return [command, bare]
    finally:
        library.close()
        payments.close()
