"""Writers of one SQLite store in several processes queue on the lock beside it."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from infrastructure.settings import Settings
from infrastructure.store.event_store import SQLITE_FILE_NAME, event_store_env
from infrastructure.store.sqlite_writers import WritersBetweenProcesses

WAIT = 30.0  # seconds a process may take to start and reach its save


class Store(Application[UUID]):
    name = "Payments"


def save_one(env: dict[str, str], about_to_save: Any, saved: Any) -> None:
    store = Store(env)
    aggregate = Aggregate()
    about_to_save.set()
    store.save(aggregate)
    saved.set()
    store.close()


def test_a_writer_of_another_process_waits_for_the_writer_holding_the_store(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "var", development=True)
    env = event_store_env(settings)
    Store(env).close()  # its tables made here, so the other process only writes
    context = multiprocessing.get_context("spawn")
    about_to_save, saved = context.Event(), context.Event()
    writers = WritersBetweenProcesses(str(settings.data_dir / SQLITE_FILE_NAME))

    with writers.holding():
        other = context.Process(target=save_one, args=(env, about_to_save, saved))
        other.start()
        assert about_to_save.wait(WAIT)
        assert not saved.wait(0.5)  # it would take milliseconds without the lock
    assert saved.wait(WAIT)
    other.join(WAIT)

    assert other.exitcode == 0
    store = Store(env)
    assert len(store.recorder.select_notifications(start=1, limit=10)) == 1
    store.close()


def test_writers_of_an_in_memory_store_take_no_lock() -> None:
    writers = WritersBetweenProcesses(":memory:")
    with writers.holding(), writers.holding():  # nothing to wait for, even twice
        pass
