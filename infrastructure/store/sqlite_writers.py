"""Writers of one SQLite file, in every process, queued on a lock beside it.

SQLite lets one writer in at a time. A writer of another process that finds the file locked
is not woken when it frees: SQLite's busy handler sleeps and looks again, up to 100 ms a
sleep, so two API processes writing at once gave some requests a tenth of a second of
nothing. An exclusive byte-range lock on a file beside the store queues them in the kernel
instead, which wakes the next writer as the last one lets go. The lock decides nothing:
SQLite's own locking still keeps every write whole, so a writer without it only waits the
old way.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

# POSIX record locks belong to the process, not the thread: the threads of one process take
# turns on the file's lock here first, whichever recorder of that file they write through.
_threads: dict[str, threading.Lock] = {}
_threads_lock = threading.Lock()


class WritersBetweenProcesses:
    def __init__(self, db_name: str) -> None:
        in_memory = not db_name or ":memory:" in db_name or "mode=memory" in db_name
        self._path = None if in_memory else f"{db_name}.writers"
        if self._path is not None:
            with _threads_lock:
                self._threads = _threads.setdefault(self._path, threading.Lock())

    def holding(self) -> AbstractContextManager[None]:
        return nullcontext() if self._path is None else self._held(self._path)

    @contextmanager
    def _held(self, path: str) -> Iterator[None]:
        with self._threads:
            # Opened per write, not kept: a process opens stores without end in the tests,
            # and an open and a close are microseconds beside a write's commit.
            fd = os.open(path, os.O_RDWR | os.O_CREAT)
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # lets go of the lock with it
