"""Rebuilding a read model from the whole log while the live one keeps serving readers.

The projection runs over the log into a scratch view beside the live one; once it has caught
up, the live view takes over the scratch view's rows and position in one transaction (see
`ReadModel.replace_with`). Readers see the old rows until that commit and the new ones after;
the live view's followers wait for the swap and carry on from the rebuilt position.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from application.following import BatchProjection
from application.read_models.read_model import ReadModel

Progress = Callable[[int, int], None]  # (position reached, end of the log)


class Rebuild:
    def __init__(
        self,
        app: Application[Any],
        projection: Callable[[ReadModel], BatchProjection],
        live: ReadModel,
        scratch: ReadModel,
        *,
        batch_size: int = 500,
        progress: Progress = lambda position, end: None,
    ) -> None:
        self.app = app
        self.projection = projection(scratch)
        self.live = live
        self.scratch = scratch
        self.batch_size = batch_size
        self.progress = progress

    def run(self) -> int:
        """Rebuild from nothing and swap in; how many events the rebuild applied."""
        self.scratch.clear()
        applied = self.catch_up()
        self.live.replace_with(self.scratch, self.catch_up)
        self.scratch.drop()
        return applied

    def catch_up(self) -> int:
        """Apply the log to the scratch view up to its end (as it moves); events applied."""
        recorder = self.app.recorder
        applied = 0
        position = self.scratch.max_tracking_id(self.app.name) or 0
        # The end of the log, read again only once the rebuild passes it (a statement per
        # batch otherwise, only to report progress).
        end = recorder.max_notification_id() or 0
        while True:
            # No `stop`: with one, PostgreSQL's plan reads the whole rest of the log for every
            # batch (a bitmap scan and a sort) instead of the next rows of the index.
            notifications = recorder.select_notifications(
                start=position + 1, limit=self.batch_size, topics=self.projection.topics
            )
            if not notifications:
                self.progress(max(end, position), max(end, position))
                return applied
            batch = [
                (self.app.mapper.to_domain_event(n), Tracking(self.app.name, n.id))
                for n in notifications
            ]
            self.projection.process_events(batch)
            applied += len(batch)
            position = notifications[-1].id
            if position > end:
                end = recorder.max_notification_id() or 0
            self.progress(position, end)
