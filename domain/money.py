"""Money: the Money value, a Decimal with exactly two places (never a float)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NewType

from domain.errors import InvalidAmount

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount we take: far above any construction invoice, small enough that no
# database column or ERP field overflows.
MAX_AMOUNT = Decimal("999999999999.99")


Money = NewType("Money", Decimal)
"""An amount that passed `money`: two places, within MAX_AMOUNT."""


def money(value: Decimal | int | str) -> Money:
    """The amount `value` names, with two places; any other kind of value is refused.

    Floats are refused because they cannot hold cents exactly ("0.1" is not 0.1).
    """
    if isinstance(value, bool | float):
        raise InvalidAmount(f"an amount must be a decimal string such as '1234.50', not {value!r}")
    try:
        amount = Decimal(str(value).strip()) if isinstance(value, str | int) else value
    except InvalidOperation:
        raise InvalidAmount(f"{value!r} is not an amount: write it like '1234.50'") from None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidAmount(f"{value!r} is not an amount: write it like '1234.50'")
    # Range first: quantizing a number past Decimal's precision raises, not refuses.
    if abs(amount) > MAX_AMOUNT:
        raise InvalidAmount(f"{value!r} is larger than the largest amount we take")
    if amount != amount.quantize(CENT):
        raise InvalidAmount(f"{value!r} has more than two decimal places")
    return Money(amount.quantize(CENT))


def positive_money(value: Decimal | int | str) -> Money:
    """The amount `value` names, which must be more than zero."""
    amount = money(value)
    if amount <= ZERO:
        raise InvalidAmount(f"an amount must be more than zero, not {amount}")
    return amount
