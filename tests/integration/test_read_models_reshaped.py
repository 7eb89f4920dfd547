"""A view stored by an older release, whose rows had other columns, is built again on opening."""

from __future__ import annotations

from application.payments.payments import Payments
from infrastructure.settings import Settings
from tests.integration.read_model_views import follow, opened
from tests.integration.test_read_models_rebuild import a_story


def test_a_view_whose_columns_changed_is_emptied_on_opening_and_refolded_from_the_events(
    settings: Settings, payments: Payments
) -> None:
    a_story(payments)
    with opened(settings, "payment_records") as live:
        follow(payments, "payment_records", live)
        current = live.dump()
        # As the release before stored it: one column fewer than the rows have now.
        with live.writing() as c:  # type: ignore[attr-defined]
            c.execute(f"ALTER TABLE {live.table_name('items')} DROP COLUMN retry_message")  # type: ignore[attr-defined]

    with opened(settings, "payment_records") as reopened:
        assert reopened.max_tracking_id(payments.name) is None
        assert all(rows == [] for rows in reopened.dump().values())
        follow(payments, "payment_records", reopened)
        assert reopened.dump() == current


def test_a_view_at_the_codes_shape_keeps_its_rows_and_position_on_opening(
    settings: Settings, payments: Payments
) -> None:
    a_story(payments)
    with opened(settings, "payment_records") as live:
        follow(payments, "payment_records", live)
        current, position = live.dump(), live.max_tracking_id(payments.name)

    with opened(settings, "payment_records") as reopened:
        assert reopened.max_tracking_id(payments.name) == position
        assert reopened.dump() == current
