"""A batch of queue changes becomes as few statements as its order allows."""

from __future__ import annotations

from uuid import uuid4

from application.export.export_queue import Dequeue, Enqueue, ExportJob
from infrastructure.export.queue_rows import JobWrites, writes

STATEMENTS = JobWrites(enqueue="enqueue", dequeue_any="dequeue any", dequeue="dequeue")


def job() -> ExportJob:
    return ExportJob("acme", uuid4(), uuid4(), 1, enqueued_at=1.0, due_at=1.0)


def test_a_run_of_changes_of_one_kind_is_one_statement_and_the_order_is_kept() -> None:
    first, second, third = job(), job(), job()
    changes = [
        Enqueue(first),
        Enqueue(second),
        Dequeue(first.payment_id, 1),
        Dequeue(second.payment_id, 1),
        Enqueue(third),
        Dequeue(third.payment_id, None),
    ]

    statements = list(writes(changes, STATEMENTS))

    assert [(statement, len(rows)) for statement, rows in statements] == [
        ("enqueue", 2),
        ("dequeue", 2),
        ("enqueue", 1),
        ("dequeue any", 1),
    ]
    assert statements[1][1] == [(str(first.payment_id), 1), (str(second.payment_id), 1)]
    assert statements[3][1] == [(str(third.payment_id),)]


def test_no_changes_are_no_statements() -> None:
    assert list(writes([], STATEMENTS)) == []
