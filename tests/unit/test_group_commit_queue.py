"""The group commit's queue: who decides a batch, and what goes in it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from uuid import UUID, uuid4

import pytest

from application.payments.conflicts import AggregateLocks
from application.payments.group_commit import GroupCommit, Queued

WAIT = 10.0  # seconds a thread may take to reach where the test waits for it


class Gate:
    """Another process's batch holding the account: closed until the test opens it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.open = threading.Event()
        self.fails_with: BaseException | None = None

    @contextmanager
    def holding(self, aggregate_id: UUID) -> Iterator[None]:
        self.entered.set()
        assert self.open.wait(WAIT)
        if self.fails_with is not None:
            raise self.fails_with
        yield


def answer_all(batches: list[list[Queued]]) -> Callable[[list[Queued]], None]:
    def decide(batch: list[Queued]) -> None:
        batches.append(list(batch))
        for queued in batch:
            queued.succeed()

    return decide


def wait_queued(group: GroupCommit[Queued], account: UUID, request: Queued) -> None:
    deadline = time.monotonic() + WAIT
    while request not in group._queues.get(account, []):
        assert time.monotonic() < deadline, "the second request never queued"
        time.sleep(0.001)


def test_a_request_queued_while_its_leader_waits_for_another_process_joins_the_leaders_batch() -> (
    None
):
    gate, batches = Gate(), list[list[Queued]]()
    group: GroupCommit[Queued] = GroupCommit(AggregateLocks(), between=gate)
    account, first, second = uuid4(), Queued(), Queued()
    leader = threading.Thread(target=group.submit, args=(account, first, answer_all(batches)))
    leader.start()
    assert gate.entered.wait(WAIT)
    follower = threading.Thread(target=group.submit, args=(account, second, answer_all(batches)))
    follower.start()
    wait_queued(group, account, second)

    gate.open.set()
    leader.join(WAIT)
    follower.join(WAIT)

    assert batches == [[first, second]]
    assert first.answered
    assert second.answered


def test_a_failing_lock_between_processes_fails_the_queued_requests_instead_of_passing_them() -> (
    None
):
    gate = Gate()
    gate.fails_with = ConnectionError("the lock's connection is gone")
    gate.open.set()
    group: GroupCommit[Queued] = GroupCommit(AggregateLocks(), between=gate)
    request, batches = Queued(), list[list[Queued]]()

    with pytest.raises(ConnectionError):
        group.submit(uuid4(), request, answer_all(batches))

    assert batches == []
    assert request.answered
    assert isinstance(request.error, ConnectionError)
