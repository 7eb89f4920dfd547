"""Which store the events go to: a SQLite file by default, PostgreSQL when a URL is given."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pydantic import ValidationError

from application.payments.payments import Payments
from infrastructure.settings import Settings
from infrastructure.store.event_store import SQLITE_FILE_NAME, event_store_env
from tests.stores import POSTGRES_URL, fresh_settings


@pytest.fixture(autouse=True)
def no_paysync_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test states its settings; none leak in from the shell running the suite."""
    for name in ("PAYSYNC_DATABASE_URL", "PAYSYNC_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)


def receive_one_invoice(payments: Payments) -> None:
    payments.receive_invoice(
        "acme",
        actor="invoice-management",
        invoice_number="INV-1",
        vendor_id="vendor-1",
        vendor_name="Steel Subcontractor LLC",
        erp_vendor_id="erp-vendor-1",
        project="Tower A",
        amount_due="10.00",
    )


@pytest.fixture
def postgres_settings(tmp_path: Path) -> Iterator[Settings]:
    with fresh_settings("postgres", tmp_path) as settings:
        yield settings


# --- SQLite ---------------------------------------------------------------------------------
def test_sqlite_is_the_default_store(tmp_path: Path) -> None:
    env = event_store_env(Settings(data_dir=tmp_path / "data"))
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert not any(key.startswith("POSTGRES_") for key in env)


def test_the_sqlite_store_is_one_file_in_the_data_folder_which_is_created(tmp_path: Path) -> None:
    data_dir = tmp_path / "not" / "there" / "yet"
    env = event_store_env(Settings(data_dir=data_dir))
    assert env["SQLITE_DBNAME"] == str(data_dir / SQLITE_FILE_NAME)
    assert data_dir.is_dir()


def test_without_settings_the_data_folder_is_var_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = event_store_env(Settings())
    assert Path(env["SQLITE_DBNAME"]).resolve() == tmp_path / "var" / SQLITE_FILE_NAME


def test_the_data_folder_is_read_from_paysync_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAYSYNC_DATA_DIR", str(tmp_path / "elsewhere"))
    assert event_store_env(Settings())["SQLITE_DBNAME"] == str(
        tmp_path / "elsewhere" / SQLITE_FILE_NAME
    )


def test_events_written_to_the_sqlite_store_land_in_its_file_and_stay(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    writer = Payments(event_store_env(settings))
    try:
        receive_one_invoice(writer)
    finally:
        writer.close()
    assert (tmp_path / "data" / SQLITE_FILE_NAME).is_file()
    reader = Payments(event_store_env(settings))
    try:
        assert reader.recorder.max_notification_id() == 2  # the invoice, its number taken
    finally:
        reader.close()


# --- PostgreSQL -----------------------------------------------------------------------------
def test_a_postgresql_url_selects_the_postgresql_store() -> None:
    env = event_store_env(
        Settings(database_url="postgresql://payer:s%40cret%2Fx@db.internal:6543/pay%20sync")
    )
    # The library's PostgreSQL factory, sharing one pool per process (connection_pool.py).
    assert env["PERSISTENCE_MODULE"] == "infrastructure.store.connection_pool:SharedPostgresFactory"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.internal", "6543")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("payer", "s@cret/x")
    assert env["POSTGRES_DBNAME"] == "pay sync"
    assert "SQLITE_DBNAME" not in env


def test_a_postgresql_url_without_details_uses_the_usual_defaults() -> None:
    env = event_store_env(Settings(database_url="postgresql://"))
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("127.0.0.1", "5432")
    assert (env["POSTGRES_USER"], env["POSTGRES_DBNAME"]) == ("postgres", "postgres")
    assert "POSTGRES_SCHEMA" not in env


def test_the_schema_comes_from_the_urls_schema_parameter() -> None:
    env = event_store_env(Settings(database_url="postgres://u@h/db?schema=tenant_7"))
    assert env["POSTGRES_SCHEMA"] == "tenant_7"


def test_the_database_url_is_read_from_paysync_database_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PAYSYNC_DATABASE_URL", "postgresql://u@h:5433/db?schema=s")
    env = event_store_env(Settings())
    assert (env["PERSISTENCE_MODULE"], env["POSTGRES_PORT"], env["POSTGRES_SCHEMA"]) == (
        "infrastructure.store.connection_pool:SharedPostgresFactory",
        "5433",
        "s",
    )


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite:///x.db", "h:5432/db"])
def test_a_database_url_that_is_not_postgresql_is_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        Settings(database_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@h/db",
        "postgresql://u@h/db?schema=s",
        "postgresql://u@h/db?schema=s&POSTGRES_ENABLE_DB_FUNCTIONS=y",
        "postgresql://u@h/db?enable_db_functions=true",
    ],
)
def test_postgresql_database_functions_are_never_enabled(url: str) -> None:
    assert event_store_env(Settings(database_url=url))["POSTGRES_ENABLE_DB_FUNCTIONS"] == "n"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "variable", ["POSTGRES_ENABLE_DB_FUNCTIONS", "PAYMENTS_POSTGRES_ENABLE_DB_FUNCTIONS"]
)
def test_an_application_never_runs_with_database_functions_even_if_the_shell_asks(
    postgres_settings: Settings, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    # The library reads os.environ too, and an application-prefixed name beats the plain one.
    monkeypatch.setenv(variable, "y")
    payments = Payments(event_store_env(postgres_settings))
    try:
        assert payments.recorder.datastore.enable_db_functions is False  # type: ignore[attr-defined]
    finally:
        payments.close()


@pytest.mark.postgres
def test_events_written_to_postgresql_land_in_the_schema_named_in_the_url(
    postgres_settings: Settings,
) -> None:
    assert postgres_settings.database_url is not None
    schema = postgres_settings.database_url.split("schema=")[1]
    payments = Payments(event_store_env(postgres_settings))
    try:
        receive_one_invoice(payments)
    finally:
        payments.close()
    with psycopg.connect(POSTGRES_URL) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
        assert tables, f"no tables in schema {schema}"
        (table,) = [name for (name,) in tables if "events" in name]
        (count,) = conn.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone() or (0,)
    assert count == 2  # the invoice, its number taken for the vendor
