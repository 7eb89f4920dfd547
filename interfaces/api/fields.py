"""Field types of the HTTP contract: money as two-place decimal strings, ids as UUIDs."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from domain.errors import InvalidAmount
from domain.money import money


def _money_from_json(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise ValueError('an amount must be a decimal string such as "1234.50", not a number')
    try:
        return money(value)
    except InvalidAmount as error:
        raise ValueError(str(error)) from None


Money = Annotated[
    Decimal,
    BeforeValidator(_money_from_json),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
]
"""Money in and out as a string with two places: "1234.50"."""

MoneyOut = Annotated[Decimal, PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str)]
