"""Pages of a read model: keyset pagination on a sequence that never changes for a row.

The same concept as interfaces/api/paging.py, which takes a page's cursor and size over HTTP.

A cursor names the last row a page held, never an offset, so rows that arrive or leave
between two requests neither repeat nor push others out of the next page.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import BadInput

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class InvalidCursor(BadInput):
    """The cursor was not one this API handed out."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    next_cursor: str | None  # None: this was the last page


def encode_cursor(*key: int) -> str:
    text = ".".join(str(part) for part in key)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, parts: int) -> tuple[int, ...] | None:
    """The key a cursor names (None for the first page); a cursor not ours is refused."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        key = tuple(int(part) for part in text.split("."))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor("the cursor is not one this API handed out") from None
    # Keys are row sequences: a number no database column holds is no cursor of ours.
    if len(key) != parts or not all(0 <= part < 2**63 for part in key):
        raise InvalidCursor("the cursor is not one this API handed out")
    return key


def page_of(rows: Sequence[T], limit: int, key: Callable[[T], tuple[int, ...]]) -> Page[T]:
    """A page from the up to `limit + 1` rows read after the cursor (one more tells there is
    a next page, which starts after the key of this page's last row)."""
    if len(rows) <= limit:
        return Page(tuple(rows), None)
    return Page(tuple(rows[:limit]), encode_cursor(*key(rows[limit - 1])))
