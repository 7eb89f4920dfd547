"""FundingAccount: the check numbers it issues never repeat, and it funds nothing deactivated."""

from __future__ import annotations

from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.check_numbers import MAX_CHECK_NUMBER, check_number
from domain.errors import (
    CheckNumberWouldRepeat,
    DomainError,
    FundingAccountDeactivated,
    InvalidText,
)
from domain.funding_account import FundingAccount
from domain.text import bank_id
from tests.unit.builders import opened_account, rebuilt, state_of

PURE = settings(max_examples=150, deadline=None)
ADMIN = "payments-admin"


def issue(account: FundingAccount, count: int) -> list[int]:
    return account.issue_check_numbers(uuid4(), count, ADMIN)


def test_an_opened_account_starts_at_its_next_check_number() -> None:
    account = opened_account(next_check_number=1001, nickname=" Operating ", bank_id="35")
    assert (account.nickname, account.bank_id, account.next_check_number) == (
        "Operating",
        "35",
        1001,
    )
    assert not account.verified
    assert not account.deactivated


@pytest.mark.parametrize("nickname", ["  ", "n" * 101])
def test_an_account_is_opened_only_with_a_valid_nickname(nickname: str) -> None:
    with pytest.raises(InvalidText):
        FundingAccount.open(
            company_id="acme",
            actor=ADMIN,
            nickname=nickname,
            bank_id=bank_id("35"),
            next_check_number=check_number(1, "the next check number"),
        )


def test_a_bank_id_is_trimmed_once_parsed() -> None:
    assert bank_id(" 35 ") == "35"


@pytest.mark.parametrize("text", ["", "   ", "b" * 61])
def test_a_blank_or_overlong_bank_id_is_refused_when_parsed(text: str) -> None:
    with pytest.raises(InvalidText, match="the Bank ID"):
        bank_id(text)


@PURE
@given(st.integers(min_value=1, max_value=10**9), st.lists(st.integers(1, 10), max_size=5))
def test_issued_numbers_are_consecutive_from_the_next_check_number(
    start: int, counts: list[int]
) -> None:
    account = opened_account(next_check_number=start)
    issued = [number for count in counts for number in issue(account, count)]
    assert issued == list(range(start, start + sum(counts)))
    assert account.next_check_number == start + sum(counts)


@PURE
@given(
    st.integers(min_value=1, max_value=1000),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=1, max_value=10**6),
)
def test_the_next_check_number_can_be_raised_at_any_time(
    start: int, issued_count: int, raise_by: int
) -> None:
    account = opened_account(next_check_number=start)
    if issued_count:
        issue(account, issued_count)
    raised = account.next_check_number + raise_by
    account.change_next_check_number(raised, ADMIN)
    assert account.next_check_number == raised
    assert issue(account, 1) == [raised]


def test_the_next_check_number_may_be_lowered_while_it_stays_above_every_issued_number() -> None:
    account = opened_account(next_check_number=100)
    issue(account, 3)  # 100, 101, 102
    account.change_next_check_number(10_000, ADMIN)
    account.change_next_check_number(103, ADMIN)
    assert issue(account, 1) == [103]


@PURE
@given(st.integers(min_value=1, max_value=200), st.integers(min_value=1, max_value=20), st.data())
def test_lowering_the_next_check_number_to_or_below_an_issued_number_is_refused(
    start: int, issued_count: int, data: st.DataObject
) -> None:
    account = opened_account(next_check_number=start)
    issue(account, issued_count)
    account.collect_events()
    highest = start + issued_count - 1
    lowered = data.draw(st.integers(min_value=1, max_value=highest), label="lowered")
    with pytest.raises(CheckNumberWouldRepeat, match=str(highest)):
        account.change_next_check_number(lowered, ADMIN)
    assert account.next_check_number == highest + 1
    assert account.collect_events() == []


def test_a_number_claimed_by_hand_is_skipped_by_later_issues() -> None:
    account = opened_account(next_check_number=500)
    account.claim_check_number(uuid4(), 501, ADMIN)
    account.claim_check_number(uuid4(), 503, ADMIN)
    assert issue(account, 3) == [500, 502, 504]


@pytest.mark.parametrize("how", ["issued", "claimed"])
def test_claiming_a_number_already_used_is_refused(how: str) -> None:
    account = opened_account(next_check_number=500)
    if how == "issued":
        issue(account, 1)
    else:
        account.claim_check_number(uuid4(), 500, ADMIN)
    account.collect_events()
    with pytest.raises(CheckNumberWouldRepeat):
        account.claim_check_number(uuid4(), 500, ADMIN)
    assert account.collect_events() == []


def test_a_deactivated_account_issues_no_check_numbers() -> None:
    account = opened_account(next_check_number=500)
    account.deactivate(ADMIN)
    account.collect_events()
    with pytest.raises(FundingAccountDeactivated):
        issue(account, 1)
    assert account.collect_events() == []
    assert account.next_check_number == 500


def test_an_account_never_issues_a_check_number_above_the_largest() -> None:
    # No ERP takes a check number above 99,999,999,999 (QuickBooks Desktop keeps 11 digits).
    account = opened_account(next_check_number=MAX_CHECK_NUMBER - 1)
    try:
        numbers = issue(account, 3)
    except DomainError:
        assert account.collect_events()[1:] == []
    else:
        assert max(numbers) <= MAX_CHECK_NUMBER, f"issued {numbers}"


def test_renaming_or_rebanking_to_the_same_values_records_nothing() -> None:
    account = opened_account(nickname="Operating", bank_id="35", next_check_number=7)
    account.collect_events()
    account.rename(" Operating ", ADMIN)
    account.change_bank_id("35", ADMIN)
    account.change_next_check_number(7, ADMIN)
    assert account.collect_events() == []


def test_verifying_and_deactivating_happen_once() -> None:
    account = opened_account()
    account.collect_events()
    for _ in range(2):
        account.verify(ADMIN)
        account.deactivate(ADMIN)
    events = account.collect_events()
    assert [type(e).__name__ for e in events] == [
        "FundingAccountVerified",
        "FundingAccountDeactivated",
    ]
    assert account.verified
    assert account.deactivated


commands = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.integers(min_value=1, max_value=5)),
        st.tuples(st.just("claim"), st.integers(min_value=1, max_value=90)),
        st.tuples(st.just("set next"), st.integers(min_value=1, max_value=90)),
    ),
    max_size=40,
)


@PURE
@given(st.integers(min_value=1, max_value=40), commands)
def test_issued_numbers_never_repeat_under_any_interleaving_of_issue_claim_and_next_number(
    start: int, steps: list[tuple[str, int]]
) -> None:
    account = opened_account(next_check_number=start)
    used: set[int] = set()  # issued or claimed, the model of what may never be issued again
    issued: set[int] = set()
    next_number = start
    for command, value in steps:
        if command == "issue":
            numbers = issue(account, value)
            expected = [
                n for n in range(next_number, next_number + value + len(used)) if n not in used
            ]
            assert numbers == expected[:value]
            used.update(numbers)
            issued.update(numbers)
            next_number = numbers[-1] + 1
        elif command == "claim":
            if value in used:
                with pytest.raises(CheckNumberWouldRepeat):
                    account.claim_check_number(uuid4(), value, ADMIN)
            else:
                account.claim_check_number(uuid4(), value, ADMIN)
                used.add(value)
        elif issued and value <= max(issued):
            with pytest.raises(CheckNumberWouldRepeat):
                account.change_next_check_number(value, ADMIN)
        else:
            account.change_next_check_number(value, ADMIN)
            next_number = value
        assert account.next_check_number == next_number
        # What the account shows as next is what it issues next: the set one, or past claims.
        assert account.next_to_issue == next(n for n in range(next_number, 10**6) if n not in used)
        assert all(account.is_used(n) == (n in used) for n in range(1, 120))
    assert state_of(rebuilt(account)) == state_of(account)
