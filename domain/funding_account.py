"""The funding account a general contractor pays from, and the check numbers it issues."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.check_numbers import MAX_CHECK_NUMBER, CheckNumber, CheckNumberSet, next_unused
from domain.command_copies import CopiedForCommands
from domain.errors import CheckNumbersExhausted, CheckNumberWouldRepeat, FundingAccountDeactivated
from domain.text import BankId, required_text


class FundingAccount(CopiedForCommands, Aggregate):
    """The payor's "pay from" bank account.

    Tracks its nickname, its Bank ID (the id of the same account in the ERP), the next check
    number, and every check number it has issued or seen typed by hand. Invariants: no check
    number is issued twice; the next check number never falls to or below an issued one; a
    deactivated account funds nothing.
    """

    class FundingAccountOpened(Aggregate.Created):
        company_id: str
        nickname: str
        bank_id: BankId
        next_check_number: CheckNumber
        actor: str

    class FundingAccountRenamed(Aggregate.Event):
        nickname: str
        actor: str

        def apply(self, account: FundingAccount) -> None:
            account.nickname = self.nickname

    class BankIdChanged(Aggregate.Event):
        bank_id: BankId
        actor: str

        def apply(self, account: FundingAccount) -> None:
            account.bank_id = self.bank_id

    class NextCheckNumberChanged(Aggregate.Event):
        next_check_number: CheckNumber
        actor: str

        def apply(self, account: FundingAccount) -> None:
            account.next_check_number = self.next_check_number

    class CheckNumbersIssued(Aggregate.Event):
        """Consecutive numbers (skipping any typed by hand) given to a disbursement's payments."""

        disbursement_id: UUID
        check_numbers: list[int]
        actor: str

        def apply(self, account: FundingAccount) -> None:
            account.issued.add_all(self.check_numbers)
            account.next_check_number = self.check_numbers[-1] + 1

    class CheckNumberClaimed(Aggregate.Event):
        """A person typed this number on a failed payment: it is used, so it is never issued."""

        payment_id: UUID
        check_number: CheckNumber
        actor: str

        def apply(self, account: FundingAccount) -> None:
            account.claimed.add(self.check_number)

    class FundingAccountVerified(Aggregate.Event):
        actor: str

        def apply(self, account: FundingAccount) -> None:
            account.verified = True

    class FundingAccountDeactivated(Aggregate.Event):
        actor: str

        def apply(self, account: FundingAccount) -> None:
            account.deactivated = True

    def __init__(
        self,
        company_id: str,
        nickname: str,
        bank_id: BankId,
        next_check_number: CheckNumber,
        actor: str,
    ) -> None:
        self.company_id = company_id
        self.nickname = nickname
        self.bank_id = bank_id
        # Past the last number once all are issued, so an int, not always a CheckNumber.
        self.next_check_number: int = next_check_number
        self.issued = CheckNumberSet()  # given out by this account
        self.claimed = CheckNumberSet()  # typed by hand on failed payments
        self.verified = False
        self.deactivated = False

    @classmethod
    def open(
        cls,
        *,
        company_id: str,
        nickname: str,
        bank_id: BankId,
        next_check_number: CheckNumber,
        actor: str,
    ) -> FundingAccount:
        """Open an account; the company makes sure nickname and Bank ID are its only ones."""
        return cls._create(
            cls.FundingAccountOpened,
            id=uuid4(),
            company_id=company_id,
            nickname=valid_nickname(nickname),
            bank_id=bank_id,
            next_check_number=next_check_number,
            actor=actor,
        )

    def is_used(self, number: int) -> bool:
        return number in self.issued or number in self.claimed

    @property
    def next_to_issue(self) -> int:
        """The number the next payment gets: Next Check Number, or the first after it that
        no one typed by hand (a typed number is never issued)."""
        return next_unused(self.next_check_number, self.issued, self.claimed)

    # --- guards -------------------------------------------------------------------------------
    def check_is_active(self) -> None:
        if self.deactivated:
            raise FundingAccountDeactivated(
                f"funding account {self.nickname} is deactivated and funds nothing"
            )

    # --- commands -----------------------------------------------------------------------------
    def rename(self, nickname: str, actor: str) -> None:
        nickname = valid_nickname(nickname)
        if nickname != self.nickname:
            self.trigger_event(self.FundingAccountRenamed, nickname=nickname, actor=actor)

    def change_bank_id(self, bank_id: BankId, actor: str) -> None:
        """A new Bank ID applies to payments authorized from now on."""
        if bank_id != self.bank_id:
            self.trigger_event(self.BankIdChanged, bank_id=bank_id, actor=actor)

    def change_next_check_number(self, number: CheckNumber, actor: str) -> None:
        """Raise (or lower) the next check number; it only affects payments authorized later.

        It may never go to or below a number this account has issued: that would issue the
        same check number twice.
        """
        highest = self.issued.highest
        if highest is not None and number <= highest:
            raise CheckNumberWouldRepeat(
                f"the next check number must be above {highest}, the highest check number "
                f"funding account {self.nickname} has issued"
            )
        if number != self.next_check_number:
            self.trigger_event(self.NextCheckNumberChanged, next_check_number=number, actor=actor)

    def issue_check_numbers(
        self, disbursement_id: UUID, count: int, actor: str
    ) -> list[CheckNumber]:
        """The next `count` check numbers, in order, skipping any a person already used."""
        self.check_is_active()
        numbers: list[CheckNumber] = []
        candidate = self.next_check_number
        while len(numbers) < count:
            if candidate > MAX_CHECK_NUMBER:
                raise CheckNumbersExhausted(
                    f"funding account {self.nickname} has no check numbers left below "
                    f"{MAX_CHECK_NUMBER}; ERPs keep at most 11 digits"
                )
            if not self.is_used(candidate):
                numbers.append(CheckNumber(candidate))  # within 1..MAX, as checked above
            candidate += 1
        self.trigger_event(
            self.CheckNumbersIssued,
            disbursement_id=disbursement_id,
            check_numbers=numbers,
            actor=actor,
        )
        return numbers

    def claim_check_number(self, payment_id: UUID, number: CheckNumber, actor: str) -> CheckNumber:
        """Record a number typed by hand on a failed payment, refusing one already used here."""
        if self.is_used(number):
            raise CheckNumberWouldRepeat(
                f"check number {number} is already used by funding account {self.nickname}"
            )
        self.trigger_event(
            self.CheckNumberClaimed, payment_id=payment_id, check_number=number, actor=actor
        )
        return number

    def verify(self, actor: str) -> None:
        if not self.verified:
            self.trigger_event(self.FundingAccountVerified, actor=actor)

    def deactivate(self, actor: str) -> None:
        if not self.deactivated:
            self.trigger_event(self.FundingAccountDeactivated, actor=actor)


def valid_nickname(value: str) -> str:
    return required_text(value, "the nickname", 100)
