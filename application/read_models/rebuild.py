"""Rebuilding a read model from the whole log while the live one keeps serving readers.

The projection folds the log into states held in memory. Once it has caught up, the live view
takes over those states, every row they show and the position, in one transaction (see
`ReadModel.replace_all`). A log whose states outgrow `max_held` is written out to a scratch
view beside the live one as the rebuild goes, and the live view then takes over the scratch
view's rows instead (`ReadModel.replace_with`). Either way readers see the old rows until that
commit and the new ones after, and the live view's followers wait for the swap and carry on
from the rebuilt position.

Held in memory, a state is read and written once per rebuild rather than once per batch that
touches it, and nothing is copied at the swap: a rebuild's time is mostly the log's own
reading and decoding, and the fold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from application.following import BatchProjection
from application.read_models.folding import FoldingProjection
from application.read_models.read_model import ReadModel, ViewUpdate

Progress = Callable[[int, int], None]  # (position reached, end of the log)

# States a rebuild holds before it writes them out: each is a few hundred bytes to a few KB
# in memory, so at most a few hundred MB.
MAX_HELD = 100_000


class Rebuild:
    def __init__(
        self,
        app: Application[Any],
        projection: Callable[[ReadModel], BatchProjection],
        live: ReadModel,
        scratch: ReadModel,
        *,
        batch_size: int = 500,
        max_held: int = MAX_HELD,
        progress: Progress = lambda position, end: None,
    ) -> None:
        self.app = app
        folding = projection(scratch)
        assert isinstance(folding, FoldingProjection), "read models fold states"
        self.projection = folding
        self.live = live
        self.scratch = scratch
        self.batch_size = batch_size
        self.max_held = max_held
        self.progress = progress
        self.position = 0
        self.applied = 0
        self.held: dict[str, Any] = {}
        self.in_scratch: set[str] = set()  # held keys whose older states the scratch view has
        self.first_held: int | None = None  # the first position folded since the last write-out
        self.written_out = False

    def run(self) -> int:
        """Rebuild from nothing and swap in; how many events the rebuild applied."""
        self.scratch.clear()
        self.catch_up()
        if self.written_out:
            self.live.replace_with(self.scratch, self.catch_up_and_write_out)
        else:
            self.live.replace_all(self.caught_up)
        self.scratch.drop()
        return self.applied

    def catch_up(self) -> int:
        """Fold the log up to its end (as it moves); events applied."""
        recorder = self.app.recorder
        applied = 0
        # The end of the log, read again only once the rebuild passes it (a statement per
        # batch otherwise, only to report progress).
        end = recorder.max_notification_id() or 0
        while True:
            # No `stop`: with one, PostgreSQL's plan reads the whole rest of the log for every
            # batch (a bitmap scan and a sort) instead of the next rows of the index.
            notifications = recorder.select_notifications(
                start=self.position + 1, limit=self.batch_size, topics=self.projection.topics
            )
            if not notifications:
                self.progress(max(end, self.position), max(end, self.position))
                self.applied += applied
                return applied
            batch = [
                (self.app.mapper.to_domain_event(n), Tracking(self.app.name, n.id))
                for n in notifications
            ]
            self.in_scratch |= self.projection.fold_held(
                self.held, batch, read_view=self.written_out
            )
            if self.first_held is None:
                self.first_held = notifications[0].id
            applied += len(batch)
            self.position = notifications[-1].id
            if self.position > end:
                end = recorder.max_notification_id() or 0
            self.progress(self.position, end)
            if len(self.held) > self.max_held:
                self.write_out()

    def caught_up(self) -> tuple[ViewUpdate, Mapping[str, int]]:
        """Every state and row of the log, to its end, with the position reached."""
        self.catch_up()
        update = self.projection.update_of(self.held, self.held.keys(), replaced=())
        return update, ({self.app.name: self.position} if self.position else {})

    def catch_up_and_write_out(self) -> None:
        self.catch_up()
        self.write_out()

    def write_out(self) -> None:
        """The held states and their rows into the scratch view, and forget them here."""
        if self.first_held is None:
            return
        update = self.projection.update_of(self.held, self.held.keys(), replaced=self.in_scratch)
        tracking = Tracking(self.app.name, self.position)
        self.scratch.apply(update, first=self.first_held, tracking=tracking)
        self.held.clear()
        self.in_scratch.clear()
        self.first_held = None
        self.written_out = True
