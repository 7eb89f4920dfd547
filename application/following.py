"""Following the event log: feed new events, in batches, to a projection or process manager.

The library offers push subscriptions only on PostgreSQL (SQLite's recorder has none), so
paysync pulls from the notification log on both: wake on a signal (an in-process save, or a
PostgreSQL NOTIFY) or after a poll interval, read up to a batch of notifications after the
view's tracking position, and hand them to the projection, which writes its changes and the
new position in one transaction. A crash between batches loses nothing and repeats nothing.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    Tracking,
    TrackingRecorder,
)

log = logging.getLogger(__name__)

Batch = Sequence[tuple[Any, Tracking]]


class Wakeup(Protocol):
    """Returns early from a wait when new events may have been recorded since `clear()`."""

    def clear(self) -> None: ...

    def wait(self, timeout: float) -> None: ...


class LocalSignal:
    """Wakes this process's followers when this process saves events (see Payments)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[threading.Event] = []

    def listener(self) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._events.append(event)
        return event

    def notify(self) -> None:
        with self._lock:
            for event in self._events:
                event.set()


class LocalWakeup:
    def __init__(self, signal: LocalSignal) -> None:
        self._event = signal.listener()

    def clear(self) -> None:
        self._event.clear()

    def wait(self, timeout: float) -> None:
        self._event.wait(timeout)


class BatchProjection(ABC):
    """A projection that takes events a batch at a time (one transaction per batch).

    Per-event transactions rebuilt a view at ~1,400 events/s here; batches of 100 at ~32,000.
    """

    name: str = ""
    topics: tuple[str, ...] = ()
    # False: the batch holds the stored notifications themselves, undecoded (the audit chain
    # hashes the bytes as stored, and should not pay for decoding them).
    decodes_events: bool = True

    def __init__(self, view: TrackingRecorder) -> None:
        self.view = view

    @abstractmethod
    def process_events(self, batch: Batch) -> None:
        """Apply every event of the batch and record the last tracking, atomically."""


class Follower:
    """Keeps one projection up to date with one application's event log."""

    def __init__(
        self,
        app: Application[Any],
        projection: BatchProjection,
        *,
        batch_size: int = 100,
        poll_seconds: float = 0.5,
        wakeup: Wakeup | None = None,
    ) -> None:
        self.app = app
        self.projection = projection
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.wakeup = wakeup
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    @property
    def position(self) -> int:
        return self.projection.view.max_tracking_id(self.app.name) or 0

    def behind(self, most: int) -> int:
        """Events of its topics recorded after its position, counted up to `most`.

        Counted, not subtracted from the log's end: a projection that follows a few topics
        would otherwise trail forever behind events it never needs."""
        return len(
            self.app.recorder.select_notifications(
                start=self.position + 1, limit=most, topics=self.projection.topics
            )
        )

    def pull(self) -> int:
        """Process one batch after the current position; how many events it held."""
        position = self.position
        notifications = self.app.recorder.select_notifications(
            start=position + 1, limit=self.batch_size, topics=self.projection.topics
        )
        if not notifications:
            return 0
        decode = self.app.mapper.to_domain_event if self.projection.decodes_events else None
        batch = [(decode(n) if decode else n, Tracking(self.app.name, n.id)) for n in notifications]
        try:
            self.projection.process_events(batch)
        except IntegrityError:
            # Another follower of the same view recorded this position first; its write
            # stands and ours was rolled back whole. Carry on from wherever it got to.
            log.info(
                "%s: batch after %s already processed elsewhere", self.projection.name, position
            )
        except Exception:
            # The fold itself can fail on states another follower moved on while this batch
            # read them (the states it loaded are newer than the batch). If that follower has
            # recorded a later position, this batch is stale, not broken: carry on from there.
            if self.position <= position:
                raise
            log.info(
                "%s: batch after %s overtaken by another follower", self.projection.name, position
            )
        return len(batch)

    def catch_up(self) -> int:
        """Process until nothing is left; how many events that took."""
        total = 0
        while count := self.pull():
            total += count
        return total

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name=f"follower-{self.projection.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if self.wakeup is not None:
                    self.wakeup.clear()  # a save during the pull below sets it again
                if self.pull() == self.batch_size:
                    continue
            except (OperationalError, InterfaceError) as error:
                # No connection (the server is down or full, the pool is exhausted): one line
                # each time, never silence, and the follower keeps trying.
                self.error = error
                log.warning(
                    "%s: cannot reach the event store (%s); retrying in %.1f s",
                    self.projection.name,
                    " ".join(str(error).split()),
                    self.poll_seconds,
                )
                self._stopping.wait(self.poll_seconds)
                continue
            except Exception as error:
                # Surface, do not swallow: the error is logged and kept, and the follower
                # tries again after a pause (a database restart must not stop the export).
                self.error = error
                log.exception("%s: processing failed; retrying", self.projection.name)
                self._stopping.wait(self.poll_seconds)
                continue
            if self.wakeup is not None:
                self.wakeup.wait(self.poll_seconds)
            else:
                self._stopping.wait(self.poll_seconds)
