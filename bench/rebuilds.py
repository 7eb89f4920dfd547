"""Read-model rebuilds (issue 10, figure 4), beside a bare read + decode + fold of the log.

paysync: `paysync projections rebuild NAME` for each read model (scratch view, swap), events
applied per second. Baseline: the same events read from the store a batch at a time with the
same topic filter, decoded by the same mapper, and folded into a dict, nothing written.
Targets: at least 0.5x the baseline, and 20,000 events/s on PostgreSQL.
"""

from __future__ import annotations

import time
from typing import Any

from application.following import LocalWakeup
from application.payments.payments import Payments
from bench.harness import Figure, interleaved
from bench.rebuild_speed import fill
from infrastructure.read_models.catalog import READ_MODELS
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from interfaces.read_models import ReadModels

BATCH = 500


def bare_fold(payments: Payments, topics: Any) -> int:
    """Read, decode and fold every event of `topics`; how many."""
    state: dict[Any, int] = {}
    position, count = 0, 0
    while notifications := payments.recorder.select_notifications(
        start=position + 1, limit=BATCH, topics=topics
    ):
        for notification in notifications:
            event = payments.mapper.to_domain_event(notification)
            state[event.originator_id] = event.originator_version
        count += len(notifications)
        position = notifications[-1].id
    return count


def run(backend: str, settings: Settings, size: int, repeats: int) -> list[Figure]:
    payments = Payments(event_store_env(settings))
    read_models = ReadModels(settings, payments, lambda: LocalWakeup(payments.saved))
    try:
        fill(payments, size)
        figures = []
        for name, kind in READ_MODELS.items():
            figure = Figure(
                f"rebuild of {name}, {size:,} events in the log",
                "events/s",
                ">= 0.5x; >= 20,000/s on PostgreSQL",
                baseline_name="bare read + decode + fold",
            )
            topics = kind.projection.topics  # type: ignore[attr-defined]

            def ours(figure: Figure = figure, name: str = name) -> None:
                started = time.perf_counter()
                applied = read_models.rebuild(name)
                figure.paysync.append(applied / (time.perf_counter() - started))

            def theirs(figure: Figure = figure, topics: Any = topics) -> None:
                started = time.perf_counter()
                count = bare_fold(payments, topics)
                figure.baseline.append(count / (time.perf_counter() - started))

            interleaved(repeats, ours, theirs)
            figures.append(figure)
        return figures
    finally:
        read_models.close()
        payments.close()
