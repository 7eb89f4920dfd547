"""What every benchmark shares: figures beside same-run baselines, medians with min-max.

A benchmark is a function `(backend, settings, size, repeats) -> list[Figure]`: it sets its
store up once, then measures paysync and its baseline in turn, `repeats` times, so both see
the same machine load; the report gives each one's median and range, and their ratio. The
benchmarks that pay invoices pay the same one, `received_invoice`, and those that issue
checks issue them from the same account, `opened_account`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

from application.payments.payments import Payments
from domain.check_numbers import CheckNumber
from domain.invoice import Invoice
from domain.text import BankId


def received_invoice(company_id: str, n: int) -> Invoice:
    """The n-th invoice of a benchmark's company: 100.00 owed to one vendor, not yet saved."""
    return Invoice.receive(
        company_id=company_id,
        invoice_number=f"INV-{n}",
        vendor_id="v-1",
        vendor_name="Steel LLC",
        erp_vendor_id="V1",
        project="Tower A",
        amount_due="100.00",
        actor="invoice-management",
    )


def opened_account(payments: Payments, company_id: str, actor: str) -> UUID:
    """A benchmark's company's funding account, opened: its checks numbered from 1001."""
    return payments.open_funding_account(
        company_id,
        nickname="Operating",
        bank_id=BankId("35"),
        next_check_number=CheckNumber(1001),
        actor=actor,
    )


@dataclass
class Figure:
    """One measured figure: paysync's values and its baseline's, from the same run."""

    name: str
    unit: str  # "ms" (lower is better) or a rate such as "events/s" (higher is better)
    target: str
    paysync: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    baseline_name: str = ""
    # A figure whose target is absolute (a time, a rate) rather than a ratio.
    note: str = ""

    @property
    def lower_is_better(self) -> bool:
        return self.unit in ("ms", "s")

    def ratio(self) -> float:
        """paysync against its baseline, >1 when paysync is the better of the two."""
        ours, theirs = statistics.median(self.paysync), statistics.median(self.baseline)
        if self.lower_is_better:
            return theirs / ours if ours else float("inf")
        return ours / theirs if theirs else float("inf")


Benchmark = Callable[..., list[Figure]]


def interleaved(repeats: int, *runs: Callable[[], None]) -> None:
    """Each run once per round, rounds repeated: load changes hit every run alike."""
    for _ in range(repeats):
        for run in runs:
            run()


@contextmanager
def stopwatch(into: list[float], unit: str = "ms", count: int = 1) -> Iterator[None]:
    """Time the block into `into`: milliseconds, or `count` per second."""
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    into.append(seconds * 1000 if unit == "ms" else count / seconds)


def spread(values: list[float]) -> str:
    def fmt(value: float) -> str:
        return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"

    return f"{fmt(statistics.median(values))} ({fmt(min(values))}-{fmt(max(values))})"


def table(rows: list[tuple[str, Figure]]) -> str:
    lines = [
        "| store | figure | paysync | baseline | ratio | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for store, figure in rows:
        lines.append(
            f"| {store} | {figure.name} | {spread(figure.paysync)} {figure.unit} "
            f"| {figure.baseline_name}: {spread(figure.baseline)} {figure.unit} "
            f"| {figure.ratio():.2f}x | {figure.target} |"
        )
    return "\n".join(lines)
