"""Money: amounts are Decimals with two places, within range; anything else is refused."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidAmount
from domain.money import CENT, MAX_AMOUNT, money, positive_money

PURE = settings(max_examples=150, deadline=None)

amounts_in_range = st.decimals(
    min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False
)


def is_not_a_decimal(text: str) -> bool:
    try:
        Decimal(text.strip())
    except InvalidOperation:
        return True
    return False


@PURE
@given(amounts_in_range)
def test_an_amount_with_at_most_two_places_within_range_round_trips(amount: Decimal) -> None:
    assert money(amount) == amount
    assert money(str(amount)) == amount
    assert money(amount).as_tuple().exponent == -2


@PURE
@given(st.integers(min_value=-int(MAX_AMOUNT), max_value=int(MAX_AMOUNT)))
def test_a_whole_number_is_an_amount_with_two_places(value: int) -> None:
    assert money(value) == Decimal(value)
    assert str(money(value)).endswith(".00")


def test_an_amount_is_read_from_text_with_surrounding_spaces() -> None:
    assert money("  1234.5 ") == Decimal("1234.50")


@PURE
@given(
    st.decimals(
        min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=6, allow_nan=False, allow_infinity=False
    ).filter(lambda d: d != d.quantize(CENT))
)
def test_an_amount_with_more_than_two_decimal_places_is_refused(amount: Decimal) -> None:
    with pytest.raises(InvalidAmount):
        money(amount)
    with pytest.raises(InvalidAmount):
        money(str(amount))


@PURE
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_float_is_refused_even_when_it_looks_like_cents(value: float) -> None:
    with pytest.raises(InvalidAmount):
        money(value)


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_an_amount(value: bool) -> None:
    with pytest.raises(InvalidAmount):
        money(value)


@pytest.mark.parametrize(
    "value",
    ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", Decimal("NaN"), Decimal("Infinity")],
)
def test_nan_and_infinity_are_refused(value: object) -> None:
    with pytest.raises(InvalidAmount):
        money(value)


@PURE
@given(st.text().filter(is_not_a_decimal))
def test_text_that_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidAmount):
        money(text)


@pytest.mark.parametrize("value", [None, [], {}, object(), b"12.00", 12j])
def test_a_value_of_any_other_kind_is_refused(value: object) -> None:
    with pytest.raises(InvalidAmount):
        money(value)


@PURE
@given(
    st.decimals(min_value=MAX_AMOUNT + CENT, max_value=MAX_AMOUNT * 10, places=2),
    st.sampled_from([1, -1]),
)
def test_an_amount_above_the_largest_we_take_is_refused(amount: Decimal, sign: int) -> None:
    with pytest.raises(InvalidAmount):
        money(amount * sign)


@pytest.mark.parametrize(
    "value",
    ["1e30", Decimal("1E+30"), 10**30, "-99999999999999999999999999999.00"],
    ids=["text", "decimal", "int", "negative-text"],
)
def test_an_amount_too_large_for_decimal_precision_is_refused_as_an_invalid_amount(
    value: object,
) -> None:
    # The largest-amount guard must answer before quantize() overflows the decimal context.
    with pytest.raises(InvalidAmount):
        money(value)


@PURE
@given(st.decimals(min_value=CENT, max_value=MAX_AMOUNT, places=2))
def test_a_positive_amount_is_accepted_as_positive_money(amount: Decimal) -> None:
    assert positive_money(amount) == amount


@PURE
@given(st.decimals(min_value=-MAX_AMOUNT, max_value=0, places=2))
def test_positive_money_refuses_zero_and_less(amount: Decimal) -> None:
    with pytest.raises(InvalidAmount):
        positive_money(amount)
