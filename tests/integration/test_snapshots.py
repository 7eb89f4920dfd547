"""Snapshots of long histories, on each store: loads start from one and say what replay says."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from uuid import UUID, uuid4

import psycopg
import pytest

from application.payments.payments import Payments
from application.payments.snapshots import SNAPSHOT_EVERY
from domain.company import Company
from domain.funding_account import FundingAccount
from infrastructure.settings import Settings
from infrastructure.store.event_store import SQLITE_FILE_NAME, event_store_env, postgres_env
from tests.stores import POSTGRES_URL

COMPANY = "acme"
ADMIN = "pat.payments-admin"


@pytest.fixture
def fresh(settings: Settings) -> Iterator[Payments]:
    """Another application on the same store, with a cold cache, as after a restart."""
    app = Payments(event_store_env(settings))
    yield app
    app.close()


def long_lived_account(payments: Payments, issues: int) -> UUID:
    """An account that issued `issues` times (one number each), a few typed by hand between."""
    payments.configure_erp(
        COMPANY,
        connector="quickbooks_online",
        payment_record_sync_enabled=True,
        override_subcontractor_invoice_number=False,
        erp_base_url="https://erp.example",
        connection={"base_url": "https://erp.example", "realm_id": "4620"},
        actor=ADMIN,
    )
    account_id = payments.open_funding_account(
        COMPANY, nickname="Operating", bank_id="35", next_check_number=1001, actor=ADMIN
    )
    account = payments.repository.get(account_id)
    assert isinstance(account, FundingAccount)
    for n in range(issues):
        if n % 37 == 5:
            account.claim_check_number(uuid4(), account.next_check_number + 3, ADMIN)
        account.issue_check_numbers(uuid4(), 1, ADMIN)
    payments.save(account)  # one save, many events: a snapshot at every SNAPSHOT_EVERY-th
    return account_id


def snapshot_versions(payments: Payments, aggregate_id: UUID) -> list[int]:
    assert payments.snapshots is not None
    return [s.originator_version for s in payments.snapshots.get(aggregate_id)]


def same_state(loaded: object, replayed: object) -> bool:
    return vars(loaded) == vars(replayed)


def test_a_long_history_is_snapshotted_every_so_many_events(payments: Payments) -> None:
    account_id = long_lived_account(payments, 2 * SNAPSHOT_EVERY + 30)
    versions = snapshot_versions(payments, account_id)
    assert versions == [SNAPSHOT_EVERY, 2 * SNAPSHOT_EVERY]


def test_a_cold_load_from_a_snapshot_equals_the_replay_of_every_event(
    payments: Payments, fresh: Payments
) -> None:
    account_id = long_lived_account(payments, 2 * SNAPSHOT_EVERY + 30)
    loaded = fresh.repository.get(account_id)
    replayed = fresh.replayed(account_id)
    assert loaded.version == replayed.version == len(list(fresh.events.get(account_id)))
    assert same_state(loaded, replayed)
    assert loaded.issued.runs() != []  # the set came back as a set, not as its stored runs
    assert fresh.funding_account(COMPANY, account_id) == payments.funding_account(
        COMPANY, account_id
    )


@pytest.mark.parametrize("version", [1, SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY, SNAPSHOT_EVERY + 7])
def test_a_read_at_a_version_equals_the_replay_up_to_it(
    fresh: Payments, payments: Payments, version: int
) -> None:
    account_id = long_lived_account(payments, 2 * SNAPSHOT_EVERY)
    at_version = fresh.repository.get(account_id, version=version)
    assert at_version.version == version
    assert same_state(at_version, fresh.replayed(account_id, version=version))


def test_the_company_is_snapshotted_with_its_settings_and_accounts(
    payments: Payments, fresh: Payments
) -> None:
    account_id = long_lived_account(payments, 1)
    company = payments.repository.get(Company.id_for(COMPANY))
    assert isinstance(company, Company)
    for n in range(SNAPSHOT_EVERY):
        company.list_funding_account(account_id, f"Operating {n}", "35", ADMIN)
    payments.save(company)
    assert snapshot_versions(payments, company.id) == [SNAPSHOT_EVERY]
    loaded = fresh.repository.get(company.id)
    assert same_state(loaded, fresh.replayed(company.id))
    assert loaded.funding_accounts == {account_id: (f"Operating {SNAPSHOT_EVERY - 1}", "35")}
    assert fresh.erp_settings(COMPANY).erp_base_url == "https://erp.example"
    assert fresh.erp_settings(COMPANY).connection == {
        "base_url": "https://erp.example",
        "realm_id": "4620",
    }


def test_the_version_at_a_moment_is_that_of_the_last_event_by_then(payments: Payments) -> None:
    account_id = long_lived_account(payments, SNAPSHOT_EVERY + 20)
    events = list(payments.events.get(account_id))
    for event in (events[0], events[57], events[SNAPSHOT_EVERY], events[-1]):
        moment = event.timestamp  # type: ignore[attr-defined]
        expected = max(e.originator_version for e in events if e.timestamp <= moment)  # type: ignore[attr-defined]
        assert payments.version_at(account_id, moment) == expected


def test_every_snapshot_agrees_with_the_events_until_one_is_altered(
    payments: Payments, settings: Settings
) -> None:
    account_id = long_lived_account(payments, 2 * SNAPSHOT_EVERY)
    assert payments.bad_snapshots() == (2, [])

    alter_snapshot(settings, account_id, SNAPSHOT_EVERY)

    assert payments.bad_snapshots() == (2, [(account_id, SNAPSHOT_EVERY)])


def alter_snapshot(settings: Settings, aggregate_id: UUID, version: int) -> None:
    """What someone with database access could do: lower the next check number it holds."""
    old, new = b'"next_check_number":1', b'"next_check_number":9'
    if settings.database_url is None:
        connection = sqlite3.connect(settings.data_dir / SQLITE_FILE_NAME)
        with connection:
            (originator, state), *others = connection.execute(
                "SELECT originator_id, state FROM stored_snapshots WHERE originator_version=?",
                (version,),
            ).fetchall()
            assert not others
            assert old in state
            connection.execute(
                "UPDATE stored_snapshots SET state=? WHERE originator_id=? "
                "AND originator_version=?",
                (state.replace(old, new), originator, version),
            )
        connection.close()
        return
    env = postgres_env(settings.database_url)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        table = f'"{env["POSTGRES_SCHEMA"]}".payments_snapshots'
        (state,) = conn.execute(
            f"SELECT state FROM {table} WHERE originator_id=%s AND originator_version=%s",
            (aggregate_id, version),
        ).fetchone()
        assert old in bytes(state)
        conn.execute(
            f"UPDATE {table} SET state=%s WHERE originator_id=%s AND originator_version=%s",
            (bytes(state).replace(old, new), aggregate_id, version),
        )
