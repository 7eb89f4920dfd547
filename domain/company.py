"""The company: its ERP integration settings, and the funding accounts it pays from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.command_copies import CopiedForCommands
from domain.errors import BankIdTaken, InvalidConnection, NicknameTaken, UnknownConnector
from domain.text import optional_text


class Connector(StrEnum):
    QUICKBOOKS_ONLINE = "quickbooks_online"
    QUICKBOOKS_DESKTOP = "quickbooks_desktop"
    SAGE_INTACCT = "sage_intacct"
    SAGE_300_CRE = "sage_300_cre"
    VIEWPOINT_VISTA = "viewpoint_vista"
    ACUMATICA = "acumatica"
    YARDI = "yardi"
    CMIC = "cmic"

    @classmethod
    def named(cls, value: str) -> Connector:
        try:
            return cls(str(value))
        except ValueError:
            names = ", ".join(c.value for c in cls)
            raise UnknownConnector(
                f"{value!r} is not a connector we offer; use one of {names}"
            ) from None


@dataclass(frozen=True)
class ErpSettings:
    """How the company's payments reach its ERP."""

    connector: Connector
    payment_record_sync_enabled: bool
    override_subcontractor_invoice_number: bool
    erp_base_url: str | None
    # The connector's own settings (its ERP's address, company, bank-side ids...): plain
    # text values, already checked by the connector; secrets appear only as references.
    connection: Mapping[str, str] = field(default_factory=dict)


def checked_connection(connection: Mapping[str, str] | None) -> dict[str, str]:
    """A connection as events hold it: names to text, nothing that looks like a secret.

    Which names a connector needs is the connector's business (checked before this); the
    domain keeps only the promise that no secret itself reaches the history. The types are
    checked again here, since a value of any other kind would be stored as it came.
    """
    if connection is None:
        return {}
    checked: dict[str, str] = {}
    for name, value in connection.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidConnection(f"the connection's {name!r} must be text")
        if any(word in name.lower() for word in SECRET_WORDS) and not name.endswith("_ref"):
            raise InvalidConnection(
                f"the connection's {name!r} looks like a secret: name it by reference instead"
                f" ({name}_ref, the name of a configured secret), never by value"
            )
        checked[name] = value
    return checked


SECRET_WORDS = ("password", "secret", "token", "key")


class Company(CopiedForCommands, Aggregate):
    """A general contractor using paysync, one per company id.

    Tracks the ERP integration settings and which nicknames and Bank IDs its funding accounts
    hold. Invariant: no two funding accounts of a company share a nickname or a Bank ID (the
    Bank ID names one bank account in the ERP, so two accounts with one Bank ID would write
    each other's checks).
    """

    class CompanyEnrolled(Aggregate.Created):
        company_id: str
        actor: str

    class ErpSettingsChanged(Aggregate.Event):
        """Version 2 adds `connection`, the connector's own settings (see ErpSettings)."""

        class_version = 2

        connector: str
        payment_record_sync_enabled: bool
        override_subcontractor_invoice_number: bool
        erp_base_url: str | None
        connection: dict[str, str]
        actor: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Before connections, QuickBooks Online's address was the one setting there was.
            base_url = state.get("erp_base_url")
            state["connection"] = {"base_url": base_url} if base_url else {}

        def apply(self, company: Company) -> None:
            company.erp_settings = ErpSettings(
                connector=Connector(self.connector),
                payment_record_sync_enabled=self.payment_record_sync_enabled,
                override_subcontractor_invoice_number=self.override_subcontractor_invoice_number,
                erp_base_url=self.erp_base_url,
                connection=dict(self.connection),
            )

    class FundingAccountListed(Aggregate.Event):
        """A funding account's nickname and Bank ID, taken for the company (new or changed)."""

        funding_account_id: UUID
        nickname: str
        bank_id: str
        actor: str

        def apply(self, company: Company) -> None:
            company.funding_accounts[self.funding_account_id] = (self.nickname, self.bank_id)

    @staticmethod
    def id_for(company_id: str) -> UUID:
        """One Company aggregate per company id, found without an index."""
        return uuid5(NAMESPACE_URL, f"paysync:company:{company_id}")

    def __init__(self, company_id: str, actor: str) -> None:
        self.company_id = company_id
        self.erp_settings: ErpSettings | None = None
        self.funding_accounts: dict[UUID, tuple[str, str]] = {}

    @classmethod
    def enroll(cls, company_id: str, actor: str) -> Company:
        return cls._create(
            cls.CompanyEnrolled, id=cls.id_for(company_id), company_id=company_id, actor=actor
        )

    @property
    def payment_record_sync_enabled(self) -> bool:
        return self.erp_settings is not None and self.erp_settings.payment_record_sync_enabled

    def configure_erp(
        self,
        *,
        connector: str,
        payment_record_sync_enabled: bool,
        override_subcontractor_invoice_number: bool,
        erp_base_url: str | None,
        actor: str,
        connection: Mapping[str, str] | None = None,
    ) -> None:
        """Choose the ERP connector and whether payment records sync to it.

        `erp_base_url` is the connection's `base_url`: either names the ERP's address.
        """
        checked = checked_connection(connection)
        base_url = optional_text(erp_base_url, "the ERP base URL", 500)
        if base_url is not None:
            checked.setdefault("base_url", base_url)
        self.trigger_event(
            self.ErpSettingsChanged,
            connector=Connector.named(connector).value,
            payment_record_sync_enabled=bool(payment_record_sync_enabled),
            override_subcontractor_invoice_number=bool(override_subcontractor_invoice_number),
            erp_base_url=base_url or checked.get("base_url"),
            connection=checked,
            actor=actor,
        )

    def list_funding_account(
        self, funding_account_id: UUID, nickname: str, bank_id: str, actor: str
    ) -> None:
        """Take a nickname and Bank ID for one funding account, refusing ones another holds."""
        for other_id, (other_nickname, other_bank_id) in self.funding_accounts.items():
            if other_id == funding_account_id:
                continue
            if other_nickname.casefold() == nickname.casefold():
                raise NicknameTaken(f"another funding account is already named {nickname!r}")
            if other_bank_id == bank_id:
                raise BankIdTaken(f"another funding account already has Bank ID {bank_id!r}")
        if self.funding_accounts.get(funding_account_id) != (nickname, bank_id):
            self.trigger_event(
                self.FundingAccountListed,
                funding_account_id=funding_account_id,
                nickname=nickname,
                bank_id=bank_id,
                actor=actor,
            )
