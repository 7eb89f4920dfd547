"""Opening read models' views in tests, and replaying the whole log into a fresh one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from application.following import Follower
from application.payments.payments import Payments
from application.read_models.read_model import ReadModel
from infrastructure.read_models.catalog import READ_MODELS
from infrastructure.settings import Settings
from infrastructure.store.views import open_view

NAMES = tuple(READ_MODELS)


@contextmanager
def opened(settings: Settings, name: str, as_name: str | None = None) -> Iterator[ReadModel]:
    """The read model's view, stored under `as_name` (default: its own name)."""
    kind = READ_MODELS[name]
    view = open_view(settings, as_name or name, kind.sqlite, kind.postgres)
    try:
        yield view
    finally:
        view.close()


def follow(payments: Payments, name: str, view: ReadModel, batch_size: int = 100) -> int:
    return Follower(payments, READ_MODELS[name].projection(view), batch_size=batch_size).catch_up()


def replayed(
    settings: Settings, payments: Payments, name: str
) -> dict[str, list[tuple[object, ...]]]:
    """What the read model holds when built from scratch, in one go, from the whole log."""
    with opened(settings, name, f"{name}_replay") as replay:
        follow(payments, name, replay, batch_size=500)
        return replay.dump()
