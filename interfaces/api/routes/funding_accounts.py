"""Funding accounts: the bank accounts payments are made from, and their check numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from pydantic import BaseModel, Field

from application.copying import copied, fields_of
from application.payments.payment_record_commands import MAX_FIXES, RecordFix
from application.payments.queries import FundingAccountSnapshot
from application.read_models.directory import FundingAccountRow
from application.read_models.paging import MAX_LIMIT
from domain.check_numbers import check_number
from domain.export_failure import ExportFailureReason
from domain.invoice_payment import ExportStatus
from domain.text import bank_id
from interfaces.api.deps import Admin, AdminOrApprover, PaymentsDep, Reader, ReadModelsDep
from interfaces.api.fields import CheckNumber, CompanyId, Identifier, Name, StrictBody
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.row_bodies import listed_page, page_model
from interfaces.api.versions import versioned_router
from interfaces.read_models import ReadModels

NEXT = "the next check number"  # how a refusal names the field

router = versioned_router("/v1/companies/{company_id}/funding-accounts", "funding accounts")


class FundingAccountIn(StrictBody):
    nickname: Name
    bank_id: Identifier
    next_check_number: CheckNumber


class FundingAccountChange(StrictBody):
    nickname: Name | None = None
    bank_id: Identifier | None = None
    next_check_number: CheckNumber | None = None
    apply_to_failed_records: bool = Field(
        default=False,
        strict=True,
        description="with a new `bank_id`: also give it to the account's failed records that "
        "still hold the old one, and export them again",
    )


FundingAccountsBody = page_model(FundingAccountSnapshot, "FundingAccounts")


def listed(row: FundingAccountRow) -> dict[str, object]:
    """The row as the account's `GET` shows it: the page model parses the row's text and 0/1."""
    return fields_of(FundingAccountSnapshot, row, id=row.funding_account_id)


@router.get("", response_model=FundingAccountsBody)
def list_accounts(
    company_id: CompanyId,
    caller: Reader,
    read_models: ReadModelsDep,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> BaseModel:
    """The company's funding accounts in the order they were opened (from a read model:
    an account opened a moment ago may take some milliseconds to be listed)."""
    page = read_models.directory.funding_accounts(company_id, cursor, limit)
    return listed_page(FundingAccountsBody, page, listed)


@router.post("", status_code=201, response_model=FundingAccountSnapshot)
def open_account(
    company_id: CompanyId, body: FundingAccountIn, caller: Admin, payments: PaymentsDep
) -> FundingAccountSnapshot:
    account_id = payments.open_funding_account(
        company_id,
        nickname=body.nickname,
        bank_id=bank_id(body.bank_id),
        next_check_number=check_number(body.next_check_number, NEXT),
        actor=caller.subject,
    )
    return payments.funding_account(company_id, account_id)


@router.get("/{account_id}", response_model=FundingAccountSnapshot)
def read(
    company_id: CompanyId, account_id: UUID, caller: Reader, payments: PaymentsDep
) -> FundingAccountSnapshot:
    return payments.funding_account(company_id, account_id)


@dataclass(frozen=True)
class FundingAccountChanged(FundingAccountSnapshot):
    """The account after a change, and what became of its failed records' Bank IDs."""

    failed_records_with_old_bank_id: list[UUID] = field(
        metadata={
            "description": "after a Bank ID change: failed records that still hold the old Bank "
            "ID (fix them in one command: POST .../erp-integrations/payment-records/fix)"
        }
    )
    records_given_new_bank_id: list[UUID]


@router.patch("/{account_id}", response_model=FundingAccountChanged)
def change(
    company_id: CompanyId,
    account_id: UUID,
    body: FundingAccountChange,
    caller: AdminOrApprover,
    payments: PaymentsDep,
    read_models: ReadModelsDep,
) -> FundingAccountChanged:
    """Rename, change the Bank ID, or raise the next check number (never to a used one).

    A Bank ID change names the account's failed records still holding the old Bank ID, and
    with `apply_to_failed_records` gives them the new one and exports them again (each its
    own event; the account's change is saved first)."""
    raised = body.next_check_number
    old_bank_id = payments.funding_account(company_id, account_id).bank_id
    view = payments.update_funding_account(
        company_id,
        account_id,
        actor=caller.subject,
        nickname=body.nickname,
        bank_id=None if body.bank_id is None else bank_id(body.bank_id),
        next_check_number=None if raised is None else check_number(raised, NEXT),
    )
    waiting = (
        records_on_bank_id(read_models, company_id, str(account_id), old_bank_id)
        if view.bank_id != old_bank_id
        else []
    )
    given: list[UUID] = []
    if body.apply_to_failed_records and waiting:
        fixes = [RecordFix(d, p, bank_id=view.bank_id) for d, p in waiting]
        payments.fix_failed_records(company_id, fixes, export=True, actor=caller.subject)
        given, waiting = [p for _, p in waiting], []
    return copied(
        FundingAccountChanged,
        view,
        failed_records_with_old_bank_id=[p for _, p in waiting],
        records_given_new_bank_id=given,
    )


def records_on_bank_id(
    read_models: ReadModels, company_id: str, account_id: str, old_bank_id: str
) -> list[tuple[UUID, UUID]]:
    """(disbursement, payment) of the account's failed records holding `bank_id` that may
    be edited (not those the ERP may hold already: they are exported again unchanged first)."""
    found: list[tuple[UUID, UUID]] = []
    cursor = None
    while True:
        page = read_models.payment_records.page(
            company_id, ExportStatus.FAILED_TO_EXPORT, cursor, MAX_LIMIT
        )
        found += [
            (UUID(record.disbursement_id), UUID(record.payment_id))
            for record in page.items
            if record.funding_account_id == account_id
            and record.bank_id == old_bank_id
            and record.failure_reason != ExportFailureReason.ERP_UNAVAILABLE
        ]
        cursor = page.next_cursor
        if cursor is None or len(found) >= MAX_FIXES:
            return found[:MAX_FIXES]


@router.post("/{account_id}/deactivate", response_model=FundingAccountSnapshot)
def deactivate(
    company_id: CompanyId, account_id: UUID, caller: Admin, payments: PaymentsDep
) -> FundingAccountSnapshot:
    payments.deactivate_funding_account(company_id, account_id, caller.subject)
    return payments.funding_account(company_id, account_id)
