"""Group commit: the commands queued on one hot aggregate, decided and saved together.

Authorizations on one funding account must be decided one after another (each takes the next
check numbers), but each need not be saved in a transaction of its own. A caller loads what
is only its own (the disbursement, its invoices) without any lock, then queues its request on
the account. Whoever holds the account's lock next takes every request queued by then, loads
the account once, decides each in order, and saves them all in one transaction; the callers
whose requests it took find them answered when they get the lock, and return.

So the lock covers what must be serialized (the account's load, the decisions, the save),
throughput grows with the queue instead of falling with collisions, and the guarantees stay:
numbers are issued in one transaction with the authorizations that use them, in queue order,
so they are consecutive, never repeated, and never lost to a failed save (a failed save fails
every request of its batch, and each caller's retry re-reads and queues again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID

from application.payments.conflicts import AggregateLocks
from application.ports import BetweenProcesses

Q = TypeVar("Q", bound="Queued")


@dataclass(eq=False)
class Queued:
    """A request waiting in a group: answered once, with nothing or with an error."""

    answered: bool = field(default=False, init=False)
    error: BaseException | None = field(default=None, init=False)

    def succeed(self) -> None:
        self.answered = True

    def fail(self, error: BaseException) -> None:
        self.error, self.answered = error, True


class GroupCommit(Generic[Q]):
    """Per-aggregate queues of requests, each drained by whoever holds its lock next."""

    def __init__(self, locks: AggregateLocks, between: BetweenProcesses | None = None) -> None:
        self._locks = locks
        self._between = between
        self._queues: dict[UUID, list[Q]] = {}
        self._queues_lock = threading.Lock()  # held only to append or take a queue

    def submit(self, aggregate_id: UUID, request: Q, decide: Callable[[list[Q]], None]) -> None:
        """Queue `request` on the aggregate and return once a batch has answered it.

        `decide` gets the batch, oldest first, and must answer every request in it; whatever
        it raises answers the ones it did not. Raises the request's own error, if any.
        """
        with self._queues_lock:
            self._queues.setdefault(aggregate_id, []).append(request)
        with self._locks.holding(aggregate_id):
            if not request.answered:
                batch: list[Q] = []
                try:
                    with self._between_processes(aggregate_id):
                        # Taken once this process's turn has come, not before: what queued
                        # while another process's batch held the account goes in this one.
                        batch = self._take(aggregate_id)
                        decide(batch)
                except BaseException as error:
                    for queued in batch or self._take(aggregate_id):
                        if not queued.answered:
                            queued.fail(error)
        if request.error is not None:
            raise request.error

    def _between_processes(self, aggregate_id: UUID) -> AbstractContextManager[None]:
        """Leaders of other processes queue too, instead of colliding."""
        return nullcontext() if self._between is None else self._between.holding(aggregate_id)

    def _take(self, aggregate_id: UUID) -> list[Q]:
        with self._queues_lock:
            return self._queues.pop(aggregate_id)
