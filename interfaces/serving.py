"""How uvicorn serves paysync: on its fast settings (ADR 0052).

uvloop and httptools (uvicorn's standard extras) instead of asyncio's own loop and h11, and
no access-log line written per request on the hot path: requests are counted by the read
models and the audit history, and a failed request is still logged as an error.
"""

from __future__ import annotations

from typing import Any

FAST: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "access_log": False,
    "backlog": 2048,
}
