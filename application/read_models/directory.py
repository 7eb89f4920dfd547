"""The directory: every funding account and invoice of a company, to list and filter.

The read model; stored by infrastructure/read_models/directory.py (the same concept).

Folded from the funding accounts' and invoices' own events, so a list never loads an
aggregate (a funding account with 100,000 checks takes seconds to replay). Rows are listed in
the order the records were created; each shows what `GET` of the one record shows.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from application.copying import copied
from application.read_models.disbursement_state import seq
from application.read_models.folding import FoldingProjection
from application.read_models.moments import stamp
from application.read_models.paging import Page
from application.read_models.read_model import ReadModel
from domain.check_numbers import next_unused
from domain.funding_account import FundingAccount
from domain.invoice import (
    ErpSyncStatus,
    Invoice,
    PaymentStatus,
    erp_sync_status_of,
    payment_status_of,
)

ACCOUNT_EVENTS = (
    FundingAccount.FundingAccountOpened,
    FundingAccount.FundingAccountRenamed,
    FundingAccount.BankIdChanged,
    FundingAccount.NextCheckNumberChanged,
    FundingAccount.CheckNumbersIssued,
    FundingAccount.CheckNumberClaimed,
    FundingAccount.FundingAccountVerified,
    FundingAccount.FundingAccountDeactivated,
)
INVOICE_EVENTS = (
    Invoice.InvoiceReceived,
    Invoice.InvoiceApproved,
    Invoice.InvoiceSynced,
    Invoice.PaymentCommitted,
    Invoice.PaymentCompleted,
    Invoice.PaymentReleased,
    Invoice.PaymentReturned,
)
TOPICS = tuple(get_topic(cls) for cls in (*ACCOUNT_EVENTS, *INVOICE_EVENTS))


@dataclass(frozen=True)
class InvoicesQuery:
    """Filters; None means any."""

    vendor_id: str | None = None
    payment_status: PaymentStatus | None = None
    erp_sync_status: ErpSyncStatus | None = None


@dataclass
class AccountEntry:
    company_id: str
    funding_account_id: str
    seq: int
    nickname: str
    bank_id: str
    set_next: int  # as a person set it, or one past the last issued
    claimed_ahead: list[int]  # numbers typed by hand at or above set_next: never issued
    highest_issued: int | None
    verified: bool
    deactivated: bool
    version: int
    opened_at: str
    updated_at: str

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class InvoiceEntry:
    company_id: str
    invoice_id: str
    seq: int
    invoice_number: str
    vendor_id: str
    vendor_name: str
    erp_vendor_id: str
    project: str
    commitment: str | None
    amount_due: str
    retainage: str
    approved_by: str | None
    erp_ref: str | None
    erp_invoice_number: str | None
    version: int
    received_at: str
    updated_at: str
    committed: dict[str, str] = field(default_factory=dict)
    paid: dict[str, str] = field(default_factory=dict)

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FundingAccountRow:
    seq: int
    company_id: str
    funding_account_id: str
    nickname: str
    bank_id: str
    next_check_number: int  # the number it will issue next
    highest_issued_check_number: int | None
    verified: int  # 0/1: the tables keep ints and text
    deactivated: int
    version: int
    opened_at: str
    updated_at: str


@dataclass(frozen=True)
class InvoiceRow:
    seq: int
    company_id: str
    invoice_id: str
    invoice_number: str
    vendor_id: str
    vendor_name: str
    erp_vendor_id: str
    project: str
    commitment: str | None
    amount_due: str
    retainage: str
    approved_by: str | None
    payment_status: str
    amount_paid: str
    open_amount: str
    erp_sync_status: str
    erp_ref: str | None
    erp_invoice_number: str | None
    version: int
    received_at: str
    updated_at: str


class DirectoryView(ReadModel):
    @abstractmethod
    def funding_accounts(
        self, company_id: str, cursor: str | None, limit: int
    ) -> Page[FundingAccountRow]:
        """The company's funding accounts, in the order they were opened."""

    @abstractmethod
    def invoices(
        self, company_id: str, query: InvoicesQuery, cursor: str | None, limit: int
    ) -> Page[InvoiceRow]:
        """The company's invoices passing every filter given, in the order received."""


def account_key(account_id: UUID | str) -> str:
    return f"account:{account_id}"


def invoice_key(invoice_id: UUID | str) -> str:
    return f"invoice:{invoice_id}"


class Directory(FoldingProjection):
    name = "directory"
    topics = TOPICS
    tables = ("funding_accounts", "invoices")

    def keys_of(self, event: DomainEvent) -> Iterable[str]:
        if isinstance(event, ACCOUNT_EVENTS):
            return (account_key(event.originator_id),)
        return (invoice_key(event.originator_id),)

    def decode(self, key: str, doc: dict[str, Any]) -> Any:
        if key.startswith("account:"):
            return AccountEntry(**doc)
        return InvoiceEntry(**doc)

    def fold(self, states: dict[str, Any], event: DomainEvent, position: int) -> Iterable[str]:
        if isinstance(event, ACCOUNT_EVENTS):
            key = account_key(event.originator_id)
            states[key] = fold_account(states.get(key), event, position)
        else:
            key = invoice_key(event.originator_id)
            states[key] = fold_invoice(states.get(key), event, position)
        return (key,)

    def rows_of(self, state: Any) -> dict[str, Sequence[object]]:
        if isinstance(state, AccountEntry):
            return {"funding_accounts": [account_row(state)]}
        assert isinstance(state, InvoiceEntry)
        return {"invoices": [invoice_row(state)]}


def fold_account(entry: AccountEntry | None, event: DomainEvent, position: int) -> AccountEntry:
    at = stamp(event.timestamp)
    if isinstance(event, FundingAccount.FundingAccountOpened):
        return AccountEntry(
            company_id=event.company_id,
            funding_account_id=str(event.originator_id),
            seq=seq(position),
            nickname=event.nickname,
            bank_id=event.bank_id,
            set_next=event.next_check_number,
            claimed_ahead=[],
            highest_issued=None,
            verified=False,
            deactivated=False,
            version=event.originator_version,
            opened_at=at,
            updated_at=at,
        )
    assert entry is not None
    entry.version, entry.updated_at = event.originator_version, at
    if isinstance(event, FundingAccount.FundingAccountRenamed):
        entry.nickname = event.nickname
    elif isinstance(event, FundingAccount.BankIdChanged):
        entry.bank_id = event.bank_id
    elif isinstance(event, FundingAccount.NextCheckNumberChanged):
        entry.set_next = event.next_check_number
    elif isinstance(event, FundingAccount.CheckNumbersIssued):
        last = event.check_numbers[-1]
        entry.set_next = last + 1
        entry.highest_issued = max(last, entry.highest_issued or last)
    elif isinstance(event, FundingAccount.CheckNumberClaimed):
        entry.claimed_ahead.append(event.check_number)
    elif isinstance(event, FundingAccount.FundingAccountVerified):
        entry.verified = True
    else:
        entry.deactivated = True
    entry.claimed_ahead = sorted(n for n in set(entry.claimed_ahead) if n >= entry.set_next)
    return entry


def fold_invoice(entry: InvoiceEntry | None, event: DomainEvent, position: int) -> InvoiceEntry:
    at = stamp(event.timestamp)
    if isinstance(event, Invoice.InvoiceReceived):
        return InvoiceEntry(
            company_id=event.company_id,
            invoice_id=str(event.originator_id),
            seq=seq(position),
            invoice_number=event.invoice_number,
            vendor_id=event.vendor_id,
            vendor_name=event.vendor_name,
            erp_vendor_id=event.erp_vendor_id,
            project=event.project,
            commitment=event.commitment,
            amount_due=f"{event.amount_due:.2f}",
            retainage=f"{event.retainage:.2f}",
            approved_by=None,
            erp_ref=None,
            erp_invoice_number=None,
            version=event.originator_version,
            received_at=at,
            updated_at=at,
        )
    assert entry is not None
    entry.version, entry.updated_at = event.originator_version, at
    if isinstance(event, Invoice.InvoiceApproved):
        entry.approved_by = event.actor
    elif isinstance(event, Invoice.InvoiceSynced):
        entry.erp_ref, entry.erp_invoice_number = event.erp_ref, event.erp_invoice_number
    elif isinstance(event, Invoice.PaymentCommitted):
        entry.committed[str(event.payment_id)] = f"{event.amount:.2f}"
    elif isinstance(event, Invoice.PaymentCompleted):
        entry.paid[str(event.payment_id)] = entry.committed.pop(str(event.payment_id))
    elif isinstance(event, Invoice.PaymentReleased):
        entry.committed.pop(str(event.payment_id))
    else:
        assert isinstance(event, Invoice.PaymentReturned)
        entry.paid.pop(str(event.payment_id))
    return entry


def account_row(entry: AccountEntry) -> FundingAccountRow:
    return copied(
        FundingAccountRow,
        entry,
        next_check_number=next_unused(entry.set_next, set(entry.claimed_ahead)),
        highest_issued_check_number=entry.highest_issued,
        verified=int(entry.verified),
        deactivated=int(entry.deactivated),
    )


def invoice_row(entry: InvoiceEntry) -> InvoiceRow:
    due = Decimal(entry.amount_due)
    paid = sum((Decimal(a) for a in entry.paid.values()), Decimal("0.00"))
    committed = sum((Decimal(a) for a in entry.committed.values()), Decimal("0.00"))
    return copied(
        InvoiceRow,
        entry,
        payment_status=payment_status_of(due, paid).value,
        amount_paid=f"{paid:.2f}",
        open_amount=f"{due - paid - committed:.2f}",
        erp_sync_status=erp_sync_status_of(entry.erp_ref).value,
    )
