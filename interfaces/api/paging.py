"""Query parameters of every paged list: an opaque cursor and a page size (see fields.py).

The HTTP side of the same concept as application/read_models/paging.py.
"""

from __future__ import annotations

from application.read_models.paging import DEFAULT_LIMIT
from interfaces.api.fields import Cursor, Limit

__all__ = ["LIMIT", "Cursor", "Limit"]

LIMIT = DEFAULT_LIMIT
