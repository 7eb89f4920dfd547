"""The company: its ERP integration settings, and the funding accounts it pays from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import BankIdTaken, NicknameTaken, UnknownConnector
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


class Company(Aggregate):
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
        connector: str
        payment_record_sync_enabled: bool
        override_subcontractor_invoice_number: bool
        erp_base_url: str | None
        actor: str

        def apply(self, company: Company) -> None:
            company.erp_settings = ErpSettings(
                connector=Connector(self.connector),
                payment_record_sync_enabled=self.payment_record_sync_enabled,
                override_subcontractor_invoice_number=self.override_subcontractor_invoice_number,
                erp_base_url=self.erp_base_url,
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
    ) -> None:
        """Choose the ERP connector and whether payment records sync to it."""
        self.trigger_event(
            self.ErpSettingsChanged,
            connector=Connector.named(connector).value,
            payment_record_sync_enabled=bool(payment_record_sync_enabled),
            override_subcontractor_invoice_number=bool(override_subcontractor_invoice_number),
            erp_base_url=optional_text(erp_base_url, "the ERP base URL", 500),
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
