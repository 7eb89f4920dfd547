"""The Sage Intacct connector reads a checking account's checks from the real ERP sandbox, a
readByQuery and then readMore until none remain."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infrastructure.erp import sage_intacct
from infrastructure.erp.directory import ConnectorDirectory
from infrastructure.erp.sage_intacct import SageIntacctConnector
from tests.fixtures.erp_sandbox import ErpSandbox


@pytest.fixture
def connector(erp_sandbox: ErpSandbox) -> Iterator[SageIntacctConnector]:
    listed = erp_sandbox.client.get("/sandbox/dialects").json()
    (connection,) = [d["connection"] for d in listed if d["connector"] == "sage_intacct"]
    directory = ConnectorDirectory(timeout_seconds=2.0)
    built = directory.connector_for("sage_intacct", connection)
    assert isinstance(built, SageIntacctConnector)
    yield built
    directory.close()


def test_every_page_of_the_checking_accounts_checks_is_read(
    connector: SageIntacctConnector, erp_sandbox: ErpSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sage_intacct, "READ_PAGE_SIZE", 2)
    for bank in ("BOA'S CHK", "OTHER"):
        erp_sandbox.add_bank_account(bank)
    for number in ("101", "102", "103", "104", "105"):
        erp_sandbox.add_check("BOA'S CHK", number)
    erp_sandbox.add_check("OTHER", "9000")

    listed = connector.check_numbers("BOA'S CHK")

    assert listed == ["101", "102", "103", "104", "105"]
