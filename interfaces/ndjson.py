"""JSON lines: one compact JSON document per line, as the audit export is written."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

LINES_PER_CHUNK = 200


def ndjson_chunks(documents: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The documents as JSON lines, a few hundred to a chunk (one write or one HTTP frame)."""
    chunk: list[str] = []
    for document in documents:
        chunk.append(json.dumps(document, separators=(",", ":"), ensure_ascii=False) + "\n")
        if len(chunk) == LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
