"""Structured logs: one JSON object a line on stderr, from structlog and the standard library.

Library loggers (uvicorn, psycopg's pool, paysync's own `logging` calls) go through the same
formatter, so every line carries a timestamp, level, logger and, inside a request, its id.
Each line is written and flushed as it happens, whatever stderr is (a terminal, a file, a pipe).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from application.request_context import current_request_id


def _request_id(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    request_id = current_request_id.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    _request_id,
]


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    """Idempotent: the command line calls it once per process, tests may call it again."""
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # httpx logs every request at INFO: a line per ERP call drowned the export's own lines
    # (and `paysync run`'s banner). Its warnings still show; DEBUG shows every call again.
    calls = logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING
    logging.getLogger("httpx").setLevel(calls)
    structlog.configure(
        processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
