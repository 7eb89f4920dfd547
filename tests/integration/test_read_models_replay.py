"""Every read model, however its events arrived, equals a replay of the whole log from scratch."""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.payments.payments import Payments
from application.read_models.paging import MAX_LIMIT
from application.read_models.payment_records import PaymentRecordsView
from infrastructure.store.event_store import event_store_env
from tests.integration.payment_world import STEPS, PaymentWorld
from tests.integration.read_model_views import NAMES, follow, opened, replayed
from tests.stores import fresh_settings

pick = st.integers(0, 40)


def chapter(*names: str) -> st.SearchStrategy[list[tuple[str, int]]]:
    return st.tuples(*(st.tuples(st.just(name), pick) for name in names)).map(list)


def paying() -> st.SearchStrategy[list[tuple[str, int]]]:
    """Draft a disbursement (perhaps edit it), then authorize and fund that one (pick 0:
    the newest)."""
    edits = st.lists(st.sampled_from(["add_payment", "remove_payment", "change_amount"]))
    return st.tuples(pick, edits).map(
        lambda drafted: (
            [("draft", drafted[0])]
            + [(step, 0) for step in drafted[1]]
            + [("authorize", 0), ("fund", 0)]
        )
    )


# Stories told in chapters, so that most of them reach funding, exports, failures and fixes;
# the last kind of chapter is any few commands at all.
chapters = st.one_of(
    paying(),
    chapter("export_ok", "export_ok", "export_failed"),
    chapter("export_failed", "edit_check_number", "retry", "export_ok"),
    chapter("export_failed", "edit_bank_id", "retry", "export_failed", "mark_exported"),
    st.lists(st.tuples(st.sampled_from(STEPS), pick), min_size=1, max_size=3),
)
commands = st.lists(chapters, min_size=4, max_size=12).map(
    lambda story: [step for chapter in story for step in chapter]
)
# PostgreSQL's share is smaller: each example makes a schema and a dozen tables there (about a
# second of DDL), and the folds it checks are the same code as on SQLite; its SQL is what the
# PostgreSQL examples are for.
EXAMPLES = {"sqlite": 15, "postgres": 5}
a_few_examples = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Every story starts with a company that exports, an account and three invoices, so the
# commands hypothesis picks reach the drawdown and the export quickly.
PRELUDE = [("configure", 0), ("open_account", 0), ("invoice", 0), ("invoice", 1), ("invoice", 2)]


def test_each_read_model_followed_step_by_step_equals_a_replay_from_scratch(
    backend: str, tmp_path: Path
) -> None:
    @settings(max_examples=EXAMPLES[backend], deadline=None)
    @given(steps=commands)
    def a_story(steps: list[tuple[str, int]]) -> None:
        followed_step_by_step_equals_a_replay(backend, tmp_path, steps)

    a_story()


def followed_step_by_step_equals_a_replay(
    backend: str, tmp_path: Path, steps: list[tuple[str, int]]
) -> None:
    with ExitStack() as stack:
        store = stack.enter_context(fresh_settings(backend, tmp_path / uuid.uuid4().hex))
        payments = Payments(event_store_env(store))
        stack.callback(payments.close)
        views = {name: stack.enter_context(opened(store, name)) for name in NAMES}
        world = PaymentWorld(payments)
        for name, pick in PRELUDE + steps:
            world.step(name, pick)
            for view_name, view in views.items():  # small batches: they end anywhere
                follow(payments, view_name, view, batch_size=3)

        for name, view in views.items():
            assert view.dump() == replayed(store, payments, name), name


@a_few_examples
@given(steps=commands)
def test_the_listed_payment_records_agree_with_the_disbursements(
    backend: str, tmp_path: Path, steps: list[tuple[str, int]]
) -> None:
    with ExitStack() as stack:
        store = stack.enter_context(fresh_settings(backend, tmp_path / uuid.uuid4().hex))
        payments = Payments(event_store_env(store))
        stack.callback(payments.close)
        world = PaymentWorld(payments)
        for name, pick in PRELUDE + steps:
            world.step(name, pick)
        view = stack.enter_context(opened(store, "payment_records"))
        follow(payments, "payment_records", view)
        assert isinstance(view, PaymentRecordsView)

        listed = {r.payment_id: r for r in view.page("acme", None, None, MAX_LIMIT).items}
        expected = {
            str(payment.id): (disbursement, payment)
            for disbursement in world.views()
            for payment in disbursement.payments
            if payment.export_status != "not_ready"
        }
        assert listed.keys() == expected.keys()
        for payment_id, (disbursement, payment) in expected.items():
            record = listed[payment_id]
            failure = payment.export_failure
            assert (
                record.export_status,
                record.check_number,
                record.bank_id,
                record.amount,
                record.attempts,
                record.erp_payment_ref,
                record.failure_reason,
                record.failure_message,
                record.failure_erp_code,
                record.exported_at is None,
                record.disbursement_id,
            ) == (
                payment.export_status,
                payment.check_number,
                payment.bank_id,
                f"{payment.amount:.2f}",
                payment.export_attempt,
                payment.erp_payment_ref,
                failure and failure.reason.value,
                failure and failure.message,
                failure and failure.erp_code,
                payment.exported_at is None,
                str(disbursement.id),
            )
