"""Each event is applied to a read model exactly once, whatever fails and whoever else follows."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from application.following import Follower
from application.payments.payments import Payments
from infrastructure.read_models.catalog import READ_MODELS
from infrastructure.settings import Settings
from infrastructure.store.views import open_view
from tests.integration.payment_world import PaymentWorld
from tests.integration.read_model_views import NAMES, follow, opened, replayed


class Crash(Exception):
    """The process died between writing a view's rows and recording its position."""


def crashing(view_class: type[Any]) -> type[Any]:
    def _insert_tracking(self: Any, c: Any, tracking: Tracking) -> None:
        if tracking.application_name == "__migration__":  # the library's, on creating tables
            view_class._insert_tracking(self, c, tracking)
        else:
            raise Crash(f"crashed before recording {tracking.notification_id}")

    return type(
        f"Crashing{view_class.__name__}", (view_class,), {"_insert_tracking": _insert_tracking}
    )


def a_busy_log(payments: Payments) -> None:
    world = PaymentWorld(payments)
    world.configure(0, sync=True)
    for _ in range(3):
        world.funded_disbursement(invoices=2)
    for pick in range(3):
        world.export_ok(pick)
    world.export_failed(0)


@pytest.mark.parametrize("name", NAMES)
def test_a_crash_before_the_position_is_recorded_leaves_no_rows_and_a_rerun_applies_once(
    settings: Settings, payments: Payments, name: str
) -> None:
    a_busy_log(payments)
    kind = READ_MODELS[name]
    broken = open_view(settings, name, crashing(kind.sqlite), crashing(kind.postgres))
    try:
        with pytest.raises(Crash):
            Follower(payments, kind.projection(broken), batch_size=1000).pull()
        assert all(rows == [] for rows in broken.dump().values())
        assert broken.max_tracking_id(payments.name) is None
    finally:
        broken.close()

    with opened(settings, name) as view:
        follow(payments, name, view)
        assert view.dump() == replayed(settings, payments, name)


@pytest.mark.parametrize("name", NAMES)
def test_a_batch_starting_at_or_before_the_recorded_position_is_refused_whole(
    settings: Settings, payments: Payments, name: str
) -> None:
    # Another follower of the same view got further first (a second worker, or a rebuild).
    a_busy_log(payments)
    end = payments.recorder.max_notification_id()
    assert end is not None
    with opened(settings, name) as view:
        follow(payments, name, view, batch_size=5)
        before = view.dump()
        projection = READ_MODELS[name].projection(view)
        stale = [
            (payments.mapper.to_domain_event(n), Tracking(payments.name, n.id))
            for n in payments.recorder.select_notifications(
                start=1, limit=1000, topics=projection.topics
            )
        ]
        with pytest.raises(IntegrityError):
            projection.process_events(stale)
        assert view.dump() == before
        assert view.max_tracking_id(payments.name) == stale[-1][1].notification_id


def test_a_follower_that_read_a_longer_batch_before_another_wrote_never_counts_twice(
    settings: Settings, payments: Payments
) -> None:
    # Two followers of one view read from the same position; the first writes a short batch,
    # the second then writes its longer one, whose upsert of the position alone would pass.
    a_busy_log(payments)
    with opened(settings, "payment_records") as view:
        projection = READ_MODELS["payment_records"].projection(view)
        log = [
            (payments.mapper.to_domain_event(n), Tracking(payments.name, n.id))
            for n in payments.recorder.select_notifications(
                start=1, limit=1000, topics=projection.topics
            )
        ]
        projection.process_events(log[:3])
        with pytest.raises(IntegrityError):
            projection.process_events(log)
        follow(payments, "payment_records", view)
        assert view.dump() == replayed(settings, payments, "payment_records")


@pytest.mark.parametrize("name", NAMES)
def test_a_follower_overtaken_while_folding_its_batch_carries_on_and_the_view_stays_exact(
    settings: Settings, payments: Payments, name: str
) -> None:
    a_busy_log(payments)
    kind = READ_MODELS[name]
    with opened(settings, name) as view:
        ahead = Follower(payments, kind.projection(view), batch_size=500)
        behind = Follower(payments, kind.projection(view), batch_size=500)
        load = behind.projection._load  # type: ignore[attr-defined]
        loads = 0

        def overtaken(keys: set[str]) -> dict[str, Any]:
            nonlocal loads
            loaded = load(keys)
            loads += 1
            if loads == 1:  # between its two reads of states, the other writes the whole log
                ahead.catch_up()
            return loaded  # type: ignore[no-any-return]

        behind.projection._load = overtaken  # type: ignore[attr-defined]
        behind.catch_up()

        assert view.dump() == replayed(settings, payments, name)
