"""The article's 100 -> 10000 advice, computed from the ERP's highest check number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.check_number_advice import highest_check_number, proposed_next_check_number


def test_the_articles_example_proposes_10000_after_100() -> None:
    assert proposed_next_check_number(100, 100, None) == 10000


def test_a_next_check_number_already_above_the_erps_checks_needs_no_change() -> None:
    assert proposed_next_check_number(100, 101, None) is None
    assert proposed_next_check_number(None, 1, None) is None


def test_only_all_digit_check_numbers_count() -> None:
    assert highest_check_number(["100", "EFT-9000", " 250 ", "99"]) == 250
    assert highest_check_number(["ACH"]) is None


@given(
    highest=st.integers(1, 10**9),
    next_number=st.integers(1, 10**9),
    issued=st.none() | st.integers(1, 10**9),
)
def test_a_proposal_is_above_the_erps_checks_and_what_the_account_issued(
    highest: int, next_number: int, issued: int | None
) -> None:
    proposal = proposed_next_check_number(highest, next_number, issued)
    if next_number > highest:
        assert proposal is None
    else:
        assert proposal is not None
        assert proposal > highest
        assert proposal >= next_number
        assert issued is None or proposal > issued
