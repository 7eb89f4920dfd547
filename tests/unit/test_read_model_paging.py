"""Cursors of the read models' pages: opaque, round-tripping, and refused when forged."""

from __future__ import annotations

import pytest

from application.read_models.paging import InvalidCursor, decode_cursor, encode_cursor, page_of


def test_a_cursor_names_the_key_it_was_made_from() -> None:
    assert decode_cursor(encode_cursor(12000, 3), 2) == (12000, 3)


@pytest.mark.parametrize("cursor", ["!!", "bm90IGEgbnVtYmVy", encode_cursor(1, 2)])
def test_a_cursor_of_another_shape_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, 1)


def test_a_page_has_a_next_cursor_only_when_more_rows_were_found_than_it_holds() -> None:
    assert page_of([1, 2], 2, lambda n: (n,)).next_cursor is None
    page = page_of([1, 2, 3], 2, lambda n: (n,))
    assert page.items == (1, 2)
    assert decode_cursor(page.next_cursor, 1) == (2,)
