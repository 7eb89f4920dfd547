"""The projection every read model is: fold a batch of events into states, rewrite their rows.

Per batch: load the states the batch touches from the view, fold the events over them in log
order, and hand the view the changed states with every row they now show, to write with the
batch's tracking in one transaction. The view refuses a batch that starts at or before its
position, so a state loaded before another follower's write is never written back over it.
A rebuild folds over the states it holds in memory instead (`fold_held`), and writes each
once (see rebuild.py).
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from eventsourcing.domain import DomainEvent

from application.following import Batch, BatchProjection
from application.read_models.disbursement_state import DisbursementState, drafted, fold, state_key
from application.read_models.read_model import ReadModel, ViewUpdate
from domain.disbursement import Disbursement


class FoldingProjection(BatchProjection):
    view: ReadModel

    def __init__(self, view: ReadModel) -> None:
        super().__init__(view)
        self.view = view

    def process_events(self, batch: Batch) -> None:
        states = self._load({key for event, _ in batch for key in self.keys_of(event)})
        states.update(self._load(set(self.related_keys(states.values())) - states.keys()))
        stored = set(states)
        changed: set[str] = set()
        for event, tracking in batch:
            changed.update(self.fold(states, event, tracking.notification_id))
        update = self.update_of(states, changed, replaced=changed & stored)
        self.view.apply(update, first=batch[0][1].notification_id, tracking=batch[-1][1])

    def fold_held(self, held: dict[str, Any], batch: Batch, *, read_view: bool) -> set[str]:
        """Fold a batch over states held in memory (a rebuild's). With `read_view`, the
        states the batch needs and `held` lacks are read from the view first; the keys read."""
        loaded: dict[str, Any] = {}
        if read_view:
            touched = {key for event, _ in batch for key in self.keys_of(event)}
            loaded = self._load(touched - held.keys())
            held.update(loaded)
            related = self.related_keys(held[key] for key in touched if key in held)
            loaded.update(self._load(set(related) - held.keys()))
            held.update(loaded)
        for event, tracking in batch:
            self.fold(held, event, tracking.notification_id)
        return set(loaded)

    def update_of(
        self, states: dict[str, Any], changed: Collection[str], *, replaced: Collection[str]
    ) -> ViewUpdate:
        """The changed states, encoded, with every row they show now; `replaced` are those
        the view stored before (their rows go)."""
        rows: dict[str, list[tuple[str, object]]] = {table: [] for table in self.tables}
        for key in sorted(changed):
            state = states.get(key)
            if state is None:
                continue
            for table, table_rows in self.rows_of(state).items():
                rows[table].extend((key, row) for row in table_rows)
        return ViewUpdate(
            states={key: encode(states.get(key)) for key in sorted(changed)},
            rows=rows,
            replaced=sorted(replaced),
        )

    def _load(self, keys: set[str]) -> dict[str, Any]:
        if not keys:
            return {}
        return {
            key: self.decode(key, json.loads(doc))
            for key, doc in self.view.load_states(sorted(keys)).items()
        }

    # --- what each read model says -------------------------------------------------------------
    tables: tuple[str, ...] = ()

    def keys_of(self, event: DomainEvent) -> Iterable[str]:
        """The states this event changes (by default: its disbursement's)."""
        return (state_key(event.originator_id),)

    def related_keys(self, states: Iterable[Any]) -> Iterable[str]:
        """Further states the fold reads, found from those loaded (none by default)."""
        return ()

    def decode(self, key: str, doc: dict[str, Any]) -> Any:
        return DisbursementState.from_doc(doc)

    def fold(self, states: dict[str, Any], event: DomainEvent, position: int) -> Iterable[str]:
        """Apply the event to the states; the keys it changed (by default: disbursements)."""
        key = state_key(event.originator_id)
        if isinstance(event, Disbursement.DisbursementDrafted):
            states[key] = drafted(event, position)
        else:
            fold(states[key], event, position)
        return (key,)

    @abstractmethod
    def rows_of(self, state: Any) -> dict[str, Sequence[object]]:
        """Every row the state shows, per table (rows it no longer shows are dropped)."""


def encode(state: Any) -> str | None:
    """A state as stored: compact JSON; its keys come in the order of the state's fields, so
    equal states are equal bytes."""
    if state is None:
        return None
    return json.dumps(state.to_doc(), separators=(",", ":"))
