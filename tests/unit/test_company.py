"""Company: its ERP settings, and nicknames and Bank IDs held by one funding account each."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.company import Company, Connector
from domain.errors import BankIdTaken, NicknameTaken, UnknownConnector
from tests.unit.builders import rebuilt, state_of

PURE = settings(max_examples=100, deadline=None)
ADMIN = "payments-admin"

nicknames = (
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789-",
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


def enrolled() -> Company:
    return Company.enroll("acme", ADMIN)


def test_a_company_id_names_one_company_aggregate() -> None:
    assert Company.id_for("acme") == Company.id_for("acme") == enrolled().id
    assert Company.id_for("acme") != Company.id_for("acme-2")


def test_payment_record_sync_is_off_until_the_erp_is_configured() -> None:
    company = enrolled()
    assert company.erp_settings is None
    assert not company.payment_record_sync_enabled


@pytest.mark.parametrize("connector", list(Connector))
def test_every_connector_we_offer_can_be_chosen(connector: Connector) -> None:
    company = enrolled()
    company.configure_erp(
        connector=connector.value,
        payment_record_sync_enabled=True,
        override_subcontractor_invoice_number=False,
        erp_base_url=" https://erp.example ",
        actor=ADMIN,
    )
    assert company.erp_settings is not None
    assert company.erp_settings.connector is connector
    assert company.erp_settings.erp_base_url == "https://erp.example"
    assert company.payment_record_sync_enabled


@pytest.mark.parametrize("connector", ["netsuite", "QuickBooks Online", "", None, 3])
def test_an_unknown_connector_is_refused(connector: object) -> None:
    company = enrolled()
    company.collect_events()
    with pytest.raises(UnknownConnector):
        company.configure_erp(
            connector=connector,
            payment_record_sync_enabled=True,
            override_subcontractor_invoice_number=False,
            erp_base_url=None,
            actor=ADMIN,
        )
    assert company.erp_settings is None
    assert company.collect_events() == []


@PURE
@given(nicknames, st.sampled_from([str.upper, str.lower, str.swapcase, str.title]))
def test_a_nickname_is_held_by_one_account_whatever_its_case(
    nickname: str, recase: Callable[[str], str]
) -> None:
    company = enrolled()
    company.list_funding_account(uuid4(), nickname, "35", ADMIN)
    with pytest.raises(NicknameTaken):
        company.list_funding_account(uuid4(), recase(nickname), "36", ADMIN)


def test_a_bank_id_is_held_by_one_account() -> None:
    company = enrolled()
    company.list_funding_account(uuid4(), "Operating", "35", ADMIN)
    with pytest.raises(BankIdTaken):
        company.list_funding_account(uuid4(), "Payroll", "35", ADMIN)


def test_an_account_may_not_take_another_accounts_nickname_when_renamed() -> None:
    company = enrolled()
    operating, payroll = uuid4(), uuid4()
    company.list_funding_account(operating, "Operating", "35", ADMIN)
    company.list_funding_account(payroll, "Payroll", "36", ADMIN)
    with pytest.raises(NicknameTaken):
        company.list_funding_account(payroll, "OPERATING", "36", ADMIN)
    with pytest.raises(BankIdTaken):
        company.list_funding_account(payroll, "Payroll", "35", ADMIN)
    assert company.funding_accounts[payroll] == ("Payroll", "36")


def test_an_account_keeps_its_own_nickname_and_bank_id_without_a_new_event() -> None:
    company = enrolled()
    account_id = uuid4()
    company.list_funding_account(account_id, "Operating", "35", ADMIN)
    company.collect_events()
    company.list_funding_account(account_id, "Operating", "35", ADMIN)
    assert company.collect_events() == []
    company.list_funding_account(account_id, "OPERATING", "35", ADMIN)
    assert company.funding_accounts[account_id] == ("OPERATING", "35")


def test_a_company_rebuilt_from_its_events_is_the_same() -> None:
    company = enrolled()
    company.configure_erp(
        connector="sage_intacct",
        payment_record_sync_enabled=False,
        override_subcontractor_invoice_number=True,
        erp_base_url=None,
        actor=ADMIN,
    )
    company.list_funding_account(uuid4(), "Operating", "35", ADMIN)
    assert state_of(rebuilt(company)) == state_of(company)
