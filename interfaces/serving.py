"""Serving an ASGI app under uvicorn on a socket bound beforehand (see process.bind)."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn


def serve(app: Any, sock: socket.socket, *, graceful_seconds: float = 10) -> None:
    """Until SIGTERM or SIGINT: requests in flight are finished, then the lifespan closes.

    Logging is paysync's (log_config=None keeps uvicorn from replacing it); uvicorn's own
    access log is off, because the API's middleware writes one cheaper structured line.
    """
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(graceful_seconds),
    )
    uvicorn.Server(config).run(sockets=[sock])
