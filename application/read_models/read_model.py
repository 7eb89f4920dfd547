"""The port every read model's view fills: folded states and their rows, with a tracking position.

A view keeps two things per record it follows: the record's state folded from its events (a
JSON document under a key such as `disbursement:<id>`) and the rows that state shows in the
view's tables (each row owned by the key of its state). A batch rewrites the states it changed
and their rows, and records its position, in one transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from eventsourcing.persistence import Tracking, TrackingRecorder


@dataclass(frozen=True)
class ViewUpdate:
    """What one batch changed: states (None: forgotten), and every row those states show now."""

    states: Mapping[str, str | None]
    rows: Mapping[str, Sequence[tuple[str, object]]]  # table -> (owner key, row)
    replaced: Collection[str] = ()  # the states that were stored before: their rows go


class ReadModel(TrackingRecorder, ABC):
    @abstractmethod
    def load_states(self, keys: Collection[str]) -> dict[str, str]:
        """The stored states of these keys (keys with no state are left out)."""

    @abstractmethod
    def apply(self, update: ViewUpdate, *, first: int, tracking: Tracking) -> None:
        """Replace the changed states and their rows, and record `tracking`, atomically.

        Refused with the library's IntegrityError, changing nothing, when the view's position
        is already at or past `first` (the batch's first notification): another follower
        applied some of this batch, and applying it again would count those events twice.
        """

    @abstractmethod
    def dump(self) -> dict[str, list[tuple[object, ...]]]:
        """Every state and row, in key order (two views of the same events dump equal)."""

    @abstractmethod
    def clear(self) -> None:
        """Forget every state, row and position (a rebuild starts from nothing)."""

    @abstractmethod
    def replace_all(self, fill: Callable[[], tuple[ViewUpdate, Mapping[str, int]]]) -> None:
        """Make a rebuild's states and rows the view's whole content, in one transaction.

        Holds this view's write lock first, so no follower writes here meanwhile, then calls
        `fill` for every state and row of the log to its end, and the position it reached per
        upstream application. Readers keep reading the old rows until it commits.
        """

    @abstractmethod
    def replace_with(self, rebuilt: ReadModel, catch_up: Callable[[], object]) -> None:
        """Take over a rebuilt view's states, rows and position, in one transaction.

        Holds this view's write lock first, so no follower writes here meanwhile, then calls
        `catch_up` to bring `rebuilt` to the end of the log, then copies. Readers keep reading
        the old rows until the copy commits.
        """

    @abstractmethod
    def drop(self) -> None:
        """Remove the view's storage (a rebuild's scratch view, once swapped in), and close."""

    @abstractmethod
    def close(self) -> None: ...
