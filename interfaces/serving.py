"""How uvicorn serves paysync: on a socket bound beforehand (see process.bind), on its fast
settings (ADR 0052), in one process or several (ADR 0057).

uvloop and httptools (uvicorn's standard extras) instead of asyncio's own loop and h11, and
no uvicorn access-log line written per request on the hot path: the API's middleware writes
one cheaper structured line when the settings ask for it, and a failed request is still
logged as an error.

One Python process serves on one core (the GIL). `paysync serve --processes N` starts N API
processes on the one listening socket, each with its own paysync and connection pool, under
uvicorn's supervisor, which restarts one that dies; the kernel hands each new connection to
one of them.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

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
    uvicorn.Server(config(app, graceful_seconds)).run(sockets=[sock])


def api_process() -> Any:
    """What each of several API processes builds once it has started: the API alone, on the
    settings of the environment it inherited (uvicorn calls it in the new process)."""
    from interfaces.api.app import create_app
    from interfaces.process import prepare, settings

    # Each process names itself to PostgreSQL, not with the supervisor's pid.
    os.environ["PGAPPNAME"] = f"paysync serve {os.getpid()}"
    prepare("serve")
    # uvicorn's own access line stays off (FAST), as uvicorn's set-up had left it before
    # paysync's logging was set up again here.
    logging.getLogger("uvicorn.access").propagate = False
    return create_app(settings())


def serve_in_processes(
    sock: socket.socket, processes: int, *, graceful_seconds: float = 10
) -> None:
    """`processes` API processes on `sock`, until SIGTERM or SIGINT to this one (the
    supervisor), which stops each of them as `serve` stops."""
    Multiprocess(
        config(api_process, graceful_seconds, factory=True, workers=processes), sockets=[sock]
    ).run()


def config(app: Any, graceful_seconds: float, **more: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_config=None,
        timeout_graceful_shutdown=int(graceful_seconds),
        **FAST,
        **more,
    )
