"""The check register of a funding account: every check number it gave out, and what became of it.

The read model; stored by infrastructure/read_models/check_register.py, served by
interfaces/api/routes/check_register.py (the same concept at each layer).

One entry per number a payment held: issued by the account at authorization, or typed by a
person on a failed record. A number given up for a typed one stays in the register
(`replaced_by`), since the account never issues it again. Numbers between the lowest and
highest never used are told apart: `skipped` when a person raised Next Check Number past them
(as the support article advises after a check number was already used in the ERP), `gaps`
otherwise, the ones worth a question. Duplicates (one number on two entries) are listed too.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from application.copying import copied
from application.read_models.disbursement_state import TOPICS, DisbursementState
from application.read_models.folding import FoldingProjection
from application.read_models.moments import stamp
from application.read_models.paging import Page, decode_cursor, page_of
from application.read_models.payment_state import (
    CheckSource,
    HeldCheck,
    PaymentState,
    failure_columns,
)
from application.read_models.read_model import ReadModel
from domain.check_numbers import next_unused
from domain.disbursement import DisbursementStatus
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice_payment import ExportStatus, PayoutStatus

MAX_LISTED = 1000  # gaps and duplicates listed with a page, at most

ACCOUNT_EVENTS = (
    FundingAccount.FundingAccountOpened,
    FundingAccount.FundingAccountRenamed,
    FundingAccount.BankIdChanged,
    FundingAccount.NextCheckNumberChanged,
    FundingAccount.CheckNumbersIssued,
    FundingAccount.CheckNumberClaimed,
    FundingAccount.FundingAccountDeactivated,
)


class AccountStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


@dataclass
class AccountState:
    company_id: str
    funding_account_id: str
    nickname: str
    bank_id: str
    next_check_number: int
    deactivated: bool
    opened_at: str
    updated_at: str
    claimed_ahead: list[int] = field(default_factory=list)  # typed at or above the next
    skips: list[dict[str, Any]] = field(default_factory=list)  # SkipRow fields, lowest first

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    def change_next(self, number: int, actor: str, at: str) -> None:
        """Raising skips the numbers in between on purpose; lowering gives some back."""
        before = self.next_check_number
        if number > before:
            self.skips.append({"first": before, "last": number - 1, "by": actor, "at": at})
        else:
            self.skips = [
                {**skip, "last": min(skip["last"], number - 1)}
                for skip in self.skips
                if skip["first"] < number
            ]
        self.next_check_number = number


@dataclass(frozen=True)
class AccountRow:
    company_id: str
    funding_account_id: str
    nickname: str
    bank_id: str
    next_check_number: int
    status: AccountStatus
    opened_at: str
    updated_at: str


@dataclass(frozen=True)
class SkipRow:
    """Numbers a person skipped by raising Next Check Number (who, and when)."""

    company_id: str
    funding_account_id: str
    first: int
    last: int
    skipped_by: str
    skipped_at: str


@dataclass(frozen=True)
class CheckRow:
    company_id: str
    funding_account_id: str
    check_number: int
    seq: int
    source: CheckSource = field(metadata={"description": "issued by the account, or typed"})
    replaced_by: int | None = field(
        metadata={"description": "the number typed instead of this one"}
    )
    payment_id: str
    disbursement_id: str
    disbursement_status: DisbursementStatus
    invoice_number: str
    vendor_name: str
    amount: str
    bank_id: str | None
    payout_status: PayoutStatus
    export_status: ExportStatus  # the record's state while it held this number
    failure_reason: ExportFailureReason | None
    failure_message: str | None
    failure_erp_code: str | None
    issued_at: str


@dataclass(frozen=True)
class CheckEntry:
    row: CheckRow
    duplicate: bool


@dataclass(frozen=True)
class Gap:
    first: int
    last: int


@dataclass(frozen=True)
class Skipped:
    first: int
    last: int
    skipped_by: str
    skipped_at: str


@dataclass(frozen=True)
class CheckRegisterPage:
    account: AccountRow
    entries: Page[CheckEntry]
    gaps: tuple[Gap, ...]  # unused, and never skipped on purpose
    skipped: tuple[Skipped, ...]  # unused because Next Check Number was raised past them
    duplicates: tuple[int, ...]


def split_unused(
    unused: Sequence[Gap], skips: Sequence[SkipRow]
) -> tuple[list[Gap], list[Skipped]]:
    """Runs of unused numbers, cut into the parts a person skipped and the rest."""
    gaps: list[Gap] = []
    skipped: list[Skipped] = []
    ordered = sorted(skips, key=lambda skip: skip.first)
    for run in unused:
        start = run.first
        for skip in ordered:
            first, last = max(start, skip.first), min(run.last, skip.last)
            if first > last:
                continue
            if first > start:
                gaps.append(Gap(start, first - 1))
            skipped.append(Skipped(first, last, skip.skipped_by, skip.skipped_at))
            start = last + 1
        if start <= run.last:
            gaps.append(Gap(start, run.last))
    return gaps, skipped


class CheckRegisterView(ReadModel):
    def register(
        self, company_id: str, account_id: str, cursor: str | None, limit: int
    ) -> CheckRegisterPage | None:
        """A page of the account's register in check-number order; None: no such account."""
        account = self.account(company_id, account_id)
        if account is None:
            return None
        after = decode_cursor(cursor, 2)
        rows = self.checks(company_id, account_id, after, limit + 1)
        duplicates = self.duplicates(company_id, account_id, MAX_LISTED)
        entries = [CheckEntry(row, row.check_number in duplicates) for row in rows]
        gaps, skipped = split_unused(
            self.gaps(company_id, account_id, MAX_LISTED), self.skips(company_id, account_id)
        )
        return CheckRegisterPage(
            account=account,
            entries=page_of(entries, limit, lambda e: (e.row.check_number, e.row.seq)),
            gaps=tuple(gaps[:MAX_LISTED]),
            skipped=tuple(skipped[:MAX_LISTED]),
            duplicates=tuple(duplicates),
        )

    @abstractmethod
    def account(self, company_id: str, account_id: str) -> AccountRow | None: ...

    @abstractmethod
    def checks(
        self, company_id: str, account_id: str, after: tuple[int, ...] | None, limit: int
    ) -> list[CheckRow]:
        """Entries after (check number, seq), in that order."""

    @abstractmethod
    def gaps(self, company_id: str, account_id: str, limit: int) -> list[Gap]:
        """Runs of unused numbers between the lowest and the highest used, lowest first."""

    @abstractmethod
    def skips(self, company_id: str, account_id: str) -> list[SkipRow]:
        """The ranges a person skipped by raising Next Check Number."""

    @abstractmethod
    def duplicates(self, company_id: str, account_id: str, limit: int) -> list[int]:
        """Numbers on more than one entry, lowest first."""


def account_key(account_id: UUID | str) -> str:
    return f"account:{account_id}"


class CheckRegister(FoldingProjection):
    name = "check_register"
    topics = TOPICS + tuple(get_topic(cls) for cls in ACCOUNT_EVENTS)
    tables = ("accounts", "skips", "checks")

    def keys_of(self, event: DomainEvent) -> Iterable[str]:
        if isinstance(event, ACCOUNT_EVENTS):
            return (account_key(event.originator_id),)
        return super().keys_of(event)

    def decode(self, key: str, doc: dict[str, Any]) -> Any:
        if key.startswith("account:"):
            return AccountState(**doc)
        return super().decode(key, doc)

    def fold(self, states: dict[str, Any], event: DomainEvent, position: int) -> Iterable[str]:
        if not isinstance(event, ACCOUNT_EVENTS):
            return super().fold(states, event, position)
        key = account_key(event.originator_id)
        at = stamp(event.timestamp)
        if isinstance(event, FundingAccount.FundingAccountOpened):
            states[key] = AccountState(
                event.company_id,
                str(event.originator_id),
                event.nickname,
                event.bank_id,
                event.next_check_number,
                deactivated=False,
                opened_at=at,
                updated_at=at,
            )
            return (key,)
        account: AccountState = states[key]
        account.updated_at = at
        if isinstance(event, FundingAccount.FundingAccountRenamed):
            account.nickname = event.nickname
        elif isinstance(event, FundingAccount.BankIdChanged):
            account.bank_id = event.bank_id
        elif isinstance(event, FundingAccount.NextCheckNumberChanged):
            account.change_next(event.next_check_number, event.actor, at)
        elif isinstance(event, FundingAccount.CheckNumbersIssued):
            account.next_check_number = event.check_numbers[-1] + 1
        elif isinstance(event, FundingAccount.CheckNumberClaimed):
            account.claimed_ahead.append(event.check_number)
        else:
            account.deactivated = True
        account.claimed_ahead = sorted(
            {n for n in account.claimed_ahead if n >= account.next_check_number}
        )
        return (key,)

    def rows_of(self, state: Any) -> dict[str, Sequence[object]]:
        if isinstance(state, AccountState):
            return {
                "accounts": [
                    AccountRow(
                        company_id=state.company_id,
                        funding_account_id=state.funding_account_id,
                        nickname=state.nickname,
                        bank_id=state.bank_id,
                        # the number it will issue next: typed ones are skipped
                        next_check_number=next_unused(
                            state.next_check_number, set(state.claimed_ahead)
                        ),
                        status=AccountStatus.DEACTIVATED
                        if state.deactivated
                        else AccountStatus.ACTIVE,
                        opened_at=state.opened_at,
                        updated_at=state.updated_at,
                    )
                ],
                "skips": [
                    SkipRow(
                        state.company_id,
                        state.funding_account_id,
                        skip["first"],
                        skip["last"],
                        skip["by"],
                        skip["at"],
                    )
                    for skip in state.skips
                ],
            }
        assert isinstance(state, DisbursementState)
        return {
            "checks": [
                check_row(state, payment, held)
                for payment in state.payments
                for held in (*payment.earlier_checks, payment.check)
                if held is not None
            ]
        }


def check_row(state: DisbursementState, payment: PaymentState, held: HeldCheck) -> CheckRow:
    current = held is payment.check
    reason, message, erp_code = failure_columns(payment.failure if current else held.failure)
    return copied(
        CheckRow,
        held,
        payment,
        state,
        check_number=held.number,
        seq=held.seq,
        disbursement_status=state.status,
        export_status=payment.export_status if current else _given_up_in(held),
        failure_reason=reason,
        failure_message=message,
        failure_erp_code=erp_code,
        issued_at=held.at,
    )


def _given_up_in(held: HeldCheck) -> ExportStatus:
    assert held.export_status is not None  # an earlier check always says what it gave up
    return held.export_status
