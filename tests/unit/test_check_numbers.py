"""Check numbers: whole numbers from 1 to 99,999,999,999, and the set of those an account used."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.read_models.check_register import Gap, SkipRow, split_unused
from domain.check_numbers import MAX_CHECK_NUMBER, CheckNumberSet, check_number
from domain.errors import InvalidCheckNumber

PURE = settings(max_examples=150, deadline=None)

check_numbers_in_range = st.integers(min_value=1, max_value=MAX_CHECK_NUMBER)


@PURE
@given(check_numbers_in_range)
def test_a_whole_number_from_1_to_the_largest_is_a_check_number(number: int) -> None:
    assert check_number(number, "the check number") == number
    assert check_number(str(number), "the check number") == number
    assert check_number(f" {number} ", "the check number") == number


@PURE
@given(st.integers(max_value=0) | st.integers(min_value=MAX_CHECK_NUMBER + 1))
def test_a_number_outside_1_to_the_largest_is_refused(number: int) -> None:
    with pytest.raises(InvalidCheckNumber):
        check_number(number, "the check number")
    with pytest.raises(InvalidCheckNumber):
        check_number(str(number), "the check number")


@pytest.mark.parametrize(
    "value", [True, False, 12.0, None, [12], "", "  ", "12.0", "+12", "1e3", "twelve", "1 2"]
)
def test_anything_but_a_whole_number_is_refused(value: object) -> None:
    with pytest.raises(InvalidCheckNumber):
        check_number(value, "the check number")


@pytest.mark.parametrize(
    "text", ["\u00b2", "12\u00b3", "\u2460"], ids=["superscript-two", "twelve-cubed", "circled-one"]
)
def test_text_of_digit_like_symbols_is_refused_as_an_invalid_check_number(text: str) -> None:
    # str.isdigit() says yes to superscripts and circled digits, which int() cannot read.
    with pytest.raises(InvalidCheckNumber):
        check_number(text, "the check number")


def test_the_error_names_what_was_wrong() -> None:
    with pytest.raises(InvalidCheckNumber, match="the next check number"):
        check_number("abc", "the next check number")


# --- CheckNumberSet --------------------------------------------------------------------------
small_numbers = st.integers(min_value=1, max_value=60)


@PURE
@given(st.lists(small_numbers, max_size=80))
def test_a_check_number_set_holds_exactly_the_numbers_added(numbers: list[int]) -> None:
    used = CheckNumberSet()
    model: set[int] = set()
    for number in numbers:
        used.add(number)
        model.add(number)
        assert all((n in used) == (n in model) for n in range(0, 62))
    assert {n for start, end in used.runs() for n in range(start, end + 1)} == model


@PURE
@given(st.lists(small_numbers, max_size=80))
def test_runs_stay_sorted_disjoint_and_never_adjacent(numbers: list[int]) -> None:
    used = CheckNumberSet()
    for number in numbers:
        used.add(number)
        runs = used.runs()
        assert all(start <= end for start, end in runs)
        assert all(end + 1 < next_start for (_, end), (next_start, _) in pairwise(runs))


@PURE
@given(st.lists(small_numbers, max_size=80))
def test_highest_is_the_largest_number_added(numbers: list[int]) -> None:
    used = CheckNumberSet()
    used.add_all(numbers)
    assert used.highest == (max(numbers) if numbers else None)


@PURE
@given(st.lists(small_numbers, max_size=40))
def test_adding_all_at_once_equals_adding_one_by_one(numbers: list[int]) -> None:
    at_once, one_by_one = CheckNumberSet(), CheckNumberSet()
    at_once.add_all(numbers)
    for number in numbers:
        one_by_one.add(number)
    assert at_once.runs() == one_by_one.runs()


def test_a_run_of_consecutive_numbers_is_kept_as_one_run() -> None:
    used = CheckNumberSet()
    used.add_all(range(10_000, 110_000))
    assert used.runs() == [(10_000, 109_999)]


@pytest.mark.parametrize("value", ["5", 5.0, None, (5,)])
def test_only_whole_numbers_are_members(value: object) -> None:
    used = CheckNumberSet()
    used.add(5)
    assert value not in used


@given(
    st.lists(st.tuples(st.integers(1, 60), st.integers(0, 8)), max_size=6),
    st.lists(st.tuples(st.integers(1, 60), st.integers(0, 8)), max_size=4),
)
def test_unused_numbers_are_told_apart_as_skipped_or_gaps_and_none_is_lost(
    runs: list[tuple[int, int]], skips: list[tuple[int, int]]
) -> None:
    unused = sorted({n for first, length in runs for n in range(first, first + length + 1)})
    as_runs = [Gap(n, n) for n in unused]  # any split into runs will do
    skip_rows = [SkipRow("acme", "a", f, f + n, "ann", "t") for f, n in skips]
    skipped_numbers = {n for f, n in skips for n in range(f, f + n + 1)}
    gaps, skipped = split_unused(as_runs, skip_rows)
    in_gaps = [n for gap in gaps for n in range(gap.first, gap.last + 1)]
    in_skipped = [n for skip in skipped for n in range(skip.first, skip.last + 1)]
    assert sorted(in_gaps + in_skipped) == unused
    assert set(in_skipped) <= skipped_numbers
    assert not set(in_gaps) & skipped_numbers
