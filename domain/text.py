"""Names and identifiers that people type: trimmed, never empty, never absurdly long."""

from __future__ import annotations

import unicodedata
from typing import NewType

from domain.errors import InvalidText

# Control characters (NUL among them) and lone surrogates: no store keeps them all.
_NEVER = frozenset({"Cc", "Cs"})


def required_text(value: str, what: str, max_length: int = 200) -> str:
    """`value` trimmed; refused when it is not text, is blank, or is longer than `max_length`."""
    if not isinstance(value, str):
        raise InvalidText(f"{what} must be text")
    if any(unicodedata.category(character) in _NEVER for character in value):
        raise InvalidText(f"{what} must not contain control characters")
    text = value.strip()
    if not text:
        raise InvalidText(f"{what} must not be empty")
    if len(text) > max_length:
        raise InvalidText(f"{what} must be at most {max_length} characters")
    return text


def optional_text(value: str | None, what: str, max_length: int = 200) -> str | None:
    """Like `required_text`, but None and blank mean 'not given'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return required_text(value, what, max_length)


BankId = NewType("BankId", str)
"""A Bank ID that passed `bank_id`: the name of one bank account in the ERP."""


def bank_id(value: str) -> BankId:
    return BankId(required_text(value, "the Bank ID", 60))
