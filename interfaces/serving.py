"""How uvicorn serves paysync: on a socket bound beforehand (see process.bind), on its fast
settings (ADR 0052).

uvloop and httptools (uvicorn's standard extras) instead of asyncio's own loop and h11, and
no uvicorn access-log line written per request on the hot path: the API's middleware writes
one cheaper structured line when the settings ask for it, and a failed request is still
logged as an error.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn

FAST: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "access_log": False,
    "backlog": 2048,
}


def serve(app: Any, sock: socket.socket, *, graceful_seconds: float = 10) -> None:
    """Until SIGTERM or SIGINT: requests in flight are finished, then the lifespan closes.

    Logging is paysync's (log_config=None keeps uvicorn from replacing it); the rest is `FAST`.
    """
    config = uvicorn.Config(
        app,
        log_config=None,
        timeout_graceful_shutdown=int(graceful_seconds),
        **FAST,
    )
    uvicorn.Server(config).run(sockets=[sock])
