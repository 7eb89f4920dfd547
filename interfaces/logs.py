"""Structured logs: one JSON object a line on stderr, from structlog and the standard library.

Library loggers (uvicorn, psycopg's pool, paysync's own `logging` calls) go through the same
formatter, so every line carries a timestamp, level, logger and, inside a request, its id.

A request's thread only hands its record over (the time and the request id are taken then);
one writer thread formats and writes the lines, in order, whatever stderr is (a terminal, a
file, a pipe). Access lines wait for its round, every tenth of a second, and are written
together: waking it for each of them cost a busy server two thread switches per request,
about an eighth of its rate (issue 10). So the access line of every request costs its event
loop no formatting, no write and no switch. Any other line wakes the writer at once. At exit
the writer drains what is queued.
"""

from __future__ import annotations

import atexit
import logging
import queue
import sys
import threading
from datetime import UTC, datetime
from logging.handlers import QueueHandler
from typing import Any

import structlog

from application.request_context import current_request_id


def _request_id(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    # A standard-library record carries the id it was handed over with (see _Handoff).
    record = event.get("_record")
    request_id = getattr(record, "request_id", None) if record else current_request_id.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


def _timestamp(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    # When it was logged, not when the writer got to it.
    record = event.get("_record")
    when = datetime.fromtimestamp(record.created, UTC) if record else datetime.now(UTC)
    event.setdefault("timestamp", when.isoformat().replace("+00:00", "Z"))
    return event


WRITE_EVERY_SECONDS = 0.1
ACCESS_LOGGER = "paysync.access"  # the one logger whose lines wait for the writer's round

SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    _timestamp,
    _request_id,
]


class _Handoff(QueueHandler):
    """Queues each record as it is, for the writer thread to format: the standard handler
    would format it here, in the request's thread. Only access lines wait for the writer's
    next round; any other record wakes it, so a warning, or a process's last words before a
    signal ends it, is written at once."""

    def __init__(self, records: queue.SimpleQueue[logging.LogRecord], wake: threading.Event):
        super().__init__(records)
        self.wake = wake

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return record

    def enqueue(self, record: logging.LogRecord) -> None:
        super().enqueue(record)
        if record.name != ACCESS_LOGGER:
            self.wake.set()


class _Writer(threading.Thread):
    """Formats the queued records and writes them to whatever `sys.stderr` is at the moment,
    a batch at a time: a process (or a test run) may replace stderr later, and a writer
    holding the one it was given would write to a closed file."""

    def __init__(self, records: queue.SimpleQueue[logging.LogRecord], formatter: Any) -> None:
        super().__init__(name="paysync-log-writer", daemon=True)
        self.records = records
        self.formatter = formatter
        self.wake = threading.Event()
        self.stopping = False

    def run(self) -> None:
        while not self.stopping:
            self.wake.wait(WRITE_EVERY_SECONDS)
            self.wake.clear()
            self.write_queued()
        self.write_queued()

    def write_queued(self) -> None:
        lines = []
        while True:
            try:
                record = self.records.get_nowait()
            except queue.Empty:
                break
            try:
                lines.append(self.formatter.format(record) + "\n")
            except Exception:  # a record that cannot be formatted must not stop the others
                lines.append(f"unformattable log record from {record.name}: {record.msg!r}\n")
        if lines:
            try:
                sys.stderr.write("".join(lines))
                sys.stderr.flush()
            except (OSError, ValueError):  # stderr closed or gone: these lines are lost, but
                pass  # the writer lives on, or the queue would grow for the process's life

    def stop(self) -> None:
        """Writes what is queued, then returns."""
        self.stopping = True
        self.wake.set()
        self.join()


_writer: _Writer | None = None


def _stop_writer() -> None:
    global _writer
    if _writer is not None:
        _writer.stop()
        _writer = None


atexit.register(_stop_writer)


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
    global _writer
    _stop_writer()
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _writer = _Writer(records, formatter)
    _writer.start()
    root = logging.getLogger()
    root.handlers[:] = [_Handoff(records, _writer.wake)]
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
