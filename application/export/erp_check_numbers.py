"""Where the funding account's bank account stands in the ERP: its highest check number.

A check number already used in the ERP is the support article's first failure; reading the
ERP's checks before paysync writes any prevents it instead of fixing it afterwards.

The same concept at the HTTP layer: interfaces/api/routes/erp_check_numbers.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.payments.payments import Payments
from application.ports import ErpConnectors, ErpRefused
from domain.check_number_advice import highest_check_number, proposed_next_check_number


@dataclass(frozen=True)
class ErpCheckNumbers:
    funding_account_id: UUID
    bank_id: str
    connector: str
    next_check_number: int
    listed: bool  # False: this ERP's API cannot list checks, or it could not be asked
    highest_check_number_in_erp: int | None
    proposed_next_check_number: int | None  # None: the current one is clear of the ERP's
    why_not_listed: str | None


class ErpCheckNumberAdvice:
    def __init__(self, payments: Payments, connectors: ErpConnectors) -> None:
        self.payments = payments
        self.connectors = connectors

    def for_account(self, company_id: str, funding_account_id: UUID) -> ErpCheckNumbers:
        account = self.payments.funding_account(company_id, funding_account_id)
        settings = self.payments.erp_settings(company_id)
        connector = self.connectors.connector_for(settings.connector, settings.connection)
        listing = getattr(connector, "check_numbers", None)
        why: str | None = None
        highest = None
        if not connector.capabilities.lists_checks or listing is None:
            why = f"the {settings.connector} connector cannot list the ERP's checks"
        else:
            numbers = listing(account.bank_id)
            if isinstance(numbers, ErpRefused):
                why = numbers.message
            else:
                highest = highest_check_number(numbers)
        return ErpCheckNumbers(
            funding_account_id=account.id,
            bank_id=account.bank_id,
            connector=settings.connector,
            next_check_number=account.next_check_number,
            listed=why is None,
            highest_check_number_in_erp=highest,
            proposed_next_check_number=proposed_next_check_number(
                highest, account.next_check_number, account.highest_issued_check_number
            ),
            why_not_listed=why,
        )
