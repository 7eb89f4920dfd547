"""Where read models live: beside the events in PostgreSQL, in files of their own on SQLite.

Each view is one of the library's tracking recorders, built by its infrastructure factory
under the view's own name. On SQLite each view gets its own file, because the library keeps
one tracking table per database, keyed by the upstream application's name alone: two views in
one file would share a position.
"""

from __future__ import annotations

from typing import TypeVar

from eventsourcing.persistence import InfrastructureFactory, IntegrityError, TrackingRecorder
from eventsourcing.utils import Environment

from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env

V = TypeVar("V", bound=TrackingRecorder)


def open_view(settings: Settings, name: str, sqlite_class: type[V], postgres_class: type[V]) -> V:
    env = event_store_env(settings)
    prefix = name.upper()
    if settings.uses_postgres:
        view_class = postgres_class
    else:
        env[f"{prefix}_SQLITE_DBNAME"] = str(settings.data_dir / f"view_{name}.sqlite3")
        view_class = sqlite_class
    try:
        return _tracking_recorder(name, env, view_class)
    except IntegrityError:
        # Two processes opening a new store at once both create the tracking table and both
        # record its migration; the second to commit is refused. The table is there now.
        return _tracking_recorder(name, env, view_class)


def _tracking_recorder(name: str, env: dict[str, str], view_class: type[V]) -> V:
    factory = InfrastructureFactory.construct(Environment(name, env))
    return factory.tracking_recorder(view_class)  # type: ignore[return-value]
