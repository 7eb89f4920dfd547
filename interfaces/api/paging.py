"""Query parameters of every paged list: an opaque cursor and a page size.

The HTTP side of the same concept as application/projections/paging.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from application.projections.paging import DEFAULT_LIMIT, MAX_LIMIT

Cursor = Annotated[
    str | None, Query(description="`next_cursor` of the previous page; omit for the first")
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")]
LIMIT = DEFAULT_LIMIT
