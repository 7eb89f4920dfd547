"""Rebuilding a read model from scratch reproduces it, while readers and followers carry on."""

from __future__ import annotations

import time
from typing import Any

import pytest

from application.following import Follower, LocalWakeup
from application.payments.payments import Payments
from application.read_models.payment_records import PaymentRecordsView
from application.read_models.rebuild import MAX_HELD, Rebuild
from infrastructure.read_models.catalog import READ_MODELS
from infrastructure.settings import Settings
from interfaces.read_models import ReadModels
from tests.integration.payment_world import COMPANY, PaymentWorld
from tests.integration.read_model_views import NAMES, follow, opened, replayed


def a_story(payments: Payments) -> PaymentWorld:
    world = PaymentWorld(payments)
    world.configure(0, sync=True)
    for _ in range(3):
        world.funded_disbursement(invoices=2)
    world.export_ok(0)
    world.export_failed(1)
    world.edit_check_number(0)
    world.raise_next_check_number(0)
    world.draft(0)
    return world


@pytest.fixture
def read_models(settings: Settings, payments: Payments) -> ReadModels:
    models = ReadModels(settings, payments, lambda: LocalWakeup(payments.saved))
    yield models  # type: ignore[misc]
    models.close()


@pytest.mark.parametrize("name", NAMES)
def test_a_rebuild_reproduces_the_view_byte_for_byte(
    payments: Payments, read_models: ReadModels, name: str
) -> None:
    a_story(payments)
    read_models.catch_up()
    before = read_models.views[name].dump()
    progress: list[tuple[int, int]] = []

    applied = read_models.rebuild(
        name, progress=lambda position, end: progress.append((position, end))
    )

    assert applied > 0
    assert read_models.views[name].dump() == before
    end = payments.recorder.max_notification_id()
    assert progress[-1] == (end, end)


class ReadingAsItCatchesUp(Rebuild):
    """A rebuild that lists the live view's records each time it has caught up: the last
    time is inside the swap, while it holds the live view's write lock."""

    def __init__(self, *args: Any, live: PaymentRecordsView, **kwargs: Any) -> None:
        super().__init__(*args, live=live, **kwargs)
        self.seen: list[list[str]] = []

    def catch_up(self) -> int:
        applied = super().catch_up()
        assert isinstance(self.live, PaymentRecordsView)
        self.seen.append(listed(self.live))
        return applied


@pytest.mark.parametrize("max_held", [MAX_HELD, 2], ids=["held in memory", "written out"])
def test_readers_see_the_old_rows_until_the_rebuilt_ones_are_swapped_in(
    settings: Settings, payments: Payments, max_held: int
) -> None:
    world = a_story(payments)
    kind = READ_MODELS["payment_records"]
    with opened(settings, "payment_records") as live:
        assert isinstance(live, PaymentRecordsView)
        follow(payments, "payment_records", live)
        old = listed(live)
        world.funded_disbursement(invoices=1)  # the rebuild sees it; the live view not yet
        scratch = kind.open(settings, scratch=True)
        rebuild = ReadingAsItCatchesUp(
            payments, kind.projection, scratch=scratch, live=live, max_held=max_held
        )
        try:
            rebuild.run()
        finally:
            scratch.close()

        assert rebuild.written_out is (max_held == 2)
        assert rebuild.seen == [old, old]  # before the swap, and inside it
        assert len(listed(live)) == len(old) + 1
        assert live.dump() == replayed(settings, payments, "payment_records")


@pytest.mark.parametrize("name", NAMES)
def test_a_rebuild_that_outgrows_its_memory_writes_out_and_reproduces_the_view(
    settings: Settings, payments: Payments, read_models: ReadModels, name: str
) -> None:
    a_story(payments)
    read_models.catch_up()
    before = read_models.views[name].dump()
    kind = READ_MODELS[name]
    scratch = kind.open(settings, scratch=True)
    try:
        rebuild = Rebuild(
            payments, kind.projection, read_models.views[name], scratch, batch_size=3, max_held=2
        )
        applied = rebuild.run()
    finally:
        scratch.close()
    assert applied > 0
    assert rebuild.written_out
    assert read_models.views[name].dump() == before


def test_the_live_follower_carries_on_from_the_rebuilt_position(
    payments: Payments, read_models: ReadModels
) -> None:
    world = a_story(payments)
    follower = Follower(
        payments,
        READ_MODELS["check_register"].projection(read_models.views["check_register"]),
        poll_seconds=0.05,
        wakeup=LocalWakeup(payments.saved),
    )
    follower.start()
    try:
        read_models.rebuild("check_register")
        world.funded_disbursement(invoices=2)
        world.export_failed(0)
        expected = replayed(read_models.settings, payments, "check_register")
        live = read_models.views["check_register"]
        deadline = time.monotonic() + 20
        while live.dump() != expected and time.monotonic() < deadline:
            time.sleep(0.02)  # waiting for the follower's thread, not asserting on time
    finally:
        follower.stop()
    assert follower.error is None
    assert live.dump() == expected


def listed(view: PaymentRecordsView) -> list[str]:
    return [r.payment_id for r in view.page(COMPANY, None, None, 500).items]


def test_rebuilding_again_and_again_leaves_the_processs_store_open(
    payments: Payments, read_models: ReadModels
) -> None:
    a_story(payments)
    read_models.catch_up()
    before = read_models.views["payment_records"].dump()
    for _ in range(12):  # more rebuilds than the process has holders of its pool
        read_models.rebuild("payment_records")
    assert read_models.views["payment_records"].dump() == before
    assert payments.recorder.max_notification_id()
