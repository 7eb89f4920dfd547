"""The audit hash chain: verify passes on an untouched store and names the first event that
was altered, deleted, moved or slipped in, by editing the stored rows directly with SQL."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from application.audit.audit_chain import chain_key, next_link
from application.audit.audit_verification import BadEvent, Problem
from infrastructure.settings import Settings
from interfaces.bootstrap import Paysync, bootstrap
from tests.payment_history import record_history
from tests.stored_rows import StoredRows


@pytest.fixture
def paysync(settings: Settings) -> Iterator[Paysync]:
    system = bootstrap(settings)
    yield system
    system.close()


@pytest.fixture
def rows(paysync: Paysync) -> StoredRows:
    """A chained history, and the means to tamper with it."""
    record_history(paysync.payments)
    assert paysync.audit.verify().ok
    return StoredRows(paysync.settings)


def first_bad(paysync: Paysync) -> BadEvent | None:
    return paysync.audit.verify().first_bad_event


def test_verify_passes_on_an_untouched_store(paysync: Paysync) -> None:
    record_history(paysync.payments)
    ids = StoredRows(paysync.settings).ids()

    verification = paysync.audit.verify()

    assert verification.ok
    assert verification.events_checked == len(ids)
    assert verification.head is not None
    assert verification.head.notification_id == ids[-1]


def test_verify_passes_on_an_empty_store(paysync: Paysync) -> None:
    assert paysync.audit.verify().as_json() == {"ok": True, "events_checked": 0}


def test_the_embedded_follower_chains_events_as_they_are_saved(paysync: Paysync) -> None:
    paysync.start_audit_chain()
    record_history(paysync.payments)
    newest = paysync.payments.recorder.max_notification_id()

    chain = paysync.audit.verifier.chain
    deadline = time.monotonic() + 10  # a bound on waiting, not an assertion about speed
    while (head := chain.head()) is None or head.notification_id < newest:
        assert time.monotonic() < deadline, "the chain did not catch up"
        time.sleep(0.02)
    assert chain.count() == len(StoredRows(paysync.settings).ids())


def test_events_saved_after_a_verification_are_chained_by_the_next(
    paysync: Paysync, rows: StoredRows
) -> None:
    before = paysync.audit.verify().events_checked
    paysync.payments.approve_invoice(
        "acme",
        paysync.payments.receive_invoice(
            "acme",
            actor="intake",
            invoice_number="INV-8",
            vendor_id="v",
            vendor_name="V",
            erp_vendor_id="V042",
            project="Tower A",
            amount_due="5.00",
        ),
        "ann",
    )
    verification = paysync.audit.verify()
    assert verification.ok
    # received, its number taken for the vendor, approved
    assert verification.events_checked == before + 3


def test_an_altered_event_is_named_as_altered(paysync: Paysync, rows: StoredRows) -> None:
    target = rows.ids()[4]
    rows.alter(target)
    assert first_bad(paysync) == BadEvent(target, Problem.ALTERED)


def test_a_deleted_event_is_named_as_deleted(paysync: Paysync, rows: StoredRows) -> None:
    target = rows.ids()[3]
    rows.delete(target)
    assert first_bad(paysync) == BadEvent(target, Problem.DELETED)


def test_the_newest_event_deleted_is_named_as_deleted(paysync: Paysync, rows: StoredRows) -> None:
    newest = rows.ids()[-1]
    rows.delete(newest)
    assert first_bad(paysync) == BadEvent(newest, Problem.DELETED)


def test_events_with_swapped_payloads_are_named_as_reordered_at_the_first(
    paysync: Paysync, rows: StoredRows
) -> None:
    ids = rows.ids()
    rows.swap_payloads(ids[2], ids[6])
    assert first_bad(paysync) == BadEvent(ids[2], Problem.REORDERED)


def test_events_that_swapped_positions_are_named_as_reordered_at_the_first(
    paysync: Paysync, rows: StoredRows
) -> None:
    ids = rows.ids()
    rows.swap_positions(ids[5], ids[1])
    assert first_bad(paysync) == BadEvent(ids[1], Problem.REORDERED)


def test_an_event_slipped_in_among_chained_ones_is_named_as_inserted(
    paysync: Paysync, rows: StoredRows
) -> None:
    target = rows.ids()[3]
    rows.insert_before(target)
    assert first_bad(paysync) == BadEvent(target, Problem.INSERTED)


def test_events_checked_counts_the_intact_events_before_the_bad_one(
    paysync: Paysync, rows: StoredRows
) -> None:
    rows.alter(rows.ids()[4])
    assert paysync.audit.verify().events_checked == 4


def test_an_altered_event_with_its_link_forged_without_the_key_is_still_altered(
    paysync: Paysync, rows: StoredRows
) -> None:
    ids = rows.ids()
    target = ids[4]
    rows.alter(target)
    # The attacker reads the chain and recomputes the link, but can only guess the key.
    guessed = chain_key("a guess at the signing key, thirty-two chars")
    previous = paysync.audit.verifier.chain.link_at(ids[3])
    stored = paysync.payments.recorder.select_notifications(target, 1)[0]
    assert previous is not None
    rows.forge_link(target, b"\0" * 32, next_link(guessed, previous.link, stored))

    assert first_bad(paysync) == BadEvent(target, Problem.ALTERED)


def test_a_cut_off_tail_is_caught_by_the_head_published_before(
    paysync: Paysync, rows: StoredRows
) -> None:
    published = paysync.audit.verify().head
    assert published is not None
    # Events and chain both cut back: what is left is a consistent, shorter history.
    rows.cut_off_from(rows.ids()[-2])
    assert paysync.audit.verify().ok

    assert paysync.audit.verify(published).first_bad_event == BadEvent(
        published.notification_id, Problem.DELETED
    )


def test_a_published_head_still_in_the_chain_verifies(paysync: Paysync, rows: StoredRows) -> None:
    published = paysync.audit.verify().head
    record_history(paysync.payments, company="initech", other="umbrella")
    assert paysync.audit.verify(published).ok


# --- its own keys, rotated ---------------------------------------------------------------------
OLD_KEY = "k2026a:the-first-audit-chain-key-0123456789abcdef"
NEW_KEY = "k2026b:the-second-audit-chain-key-0123456789abcde"


def reopened(settings: Settings, audit_keys: str) -> Paysync:
    return bootstrap(settings.model_copy(update={"audit_keys": audit_keys}))


def test_each_link_names_its_key_and_a_rotated_chain_still_verifies(settings: Settings) -> None:
    first = reopened(settings, OLD_KEY)
    try:
        record_history(first.payments)
        assert first.audit.verify().ok
    finally:
        first.close()
    rotated = reopened(settings, f"{NEW_KEY},{OLD_KEY}")
    try:
        record_history(rotated.payments, company="beta", other="gamma")
        verification = rotated.audit.verify()
        links = rotated.audit.verifier.chain.links(0, 10_000)
    finally:
        rotated.close()
    assert verification.ok
    assert verification.events_checked == len(links)
    assert {link.key_id for link in links} == {"k2026a", "k2026b"}
    assert links[0].key_id == "k2026a"
    assert links[-1].key_id == "k2026b"


def test_links_of_a_key_no_longer_held_do_not_verify(settings: Settings) -> None:
    first = reopened(settings, OLD_KEY)
    try:
        record_history(first.payments)
        assert first.audit.verify().ok
    finally:
        first.close()
    forgetful = reopened(settings, NEW_KEY)
    try:
        bad = forgetful.audit.verify().first_bad_event
    finally:
        forgetful.close()
    assert bad is not None
    assert bad.problem is Problem.ALTERED
