"""What every paysync process does the same way: start cleanly, say why it cannot, stop cleanly.

- Output is line-buffered (a log file sees each line as it is written) and logs are JSON lines.
- Each process names itself to PostgreSQL (application_name), so pg_stat_activity shows what
  each one holds against the connection budget.
- Its port is bound before anything is printed as started: a port in use is one clear line.
- A database that cannot be reached is named, with the reason, in one line, within seconds.
- SIGTERM and SIGINT end the process through its `finally` blocks: threads are stopped, work in
  flight finished or released, child processes stopped.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from types import FrameType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import psycopg

from infrastructure.settings import Settings
from interfaces.logs import configure_logging

if TYPE_CHECKING:
    from interfaces.bootstrap import Paysync

DB_CHECK_SECONDS = 3
# PostgreSQL's "too many connections" (for the server or the role): others hold the slots,
# which they give back, so the process waits for one rather than give up.
TOO_MANY_CONNECTIONS = "53300"
FULL_RETRY_SECONDS = 2.0
log = logging.getLogger("paysync.process")


class CannotStart(Exception):
    """Why a process cannot start, in one line for its operator."""


def prepare(command: str) -> None:
    """Called once, before a command runs."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(line_buffering=True)
    os.environ.setdefault("PGAPPNAME", f"paysync {command} {os.getpid()}")
    level, fmt = os.environ.get("PAYSYNC_LOG_LEVEL", "INFO"), os.environ.get("PAYSYNC_LOG_FORMAT")
    configure_logging(level, json=(fmt or "json") == "json")


def settings() -> Settings:
    """The settings from the environment; a ValidationError is the command line's to say, in
    one line without the value (exit status 2: the configuration, not the surroundings)."""
    return Settings()


def check_database(settings: Settings) -> None:
    """One connection attempt, bounded: the database named, and why it did not answer."""
    if not settings.database_url:
        try:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CannotStart(f"cannot use the data folder {settings.data_dir}: {error}") from None
        return
    parts = urlsplit(settings.database_url)
    where = (
        f"{parts.username or 'postgres'}@{parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
        f"/{parts.path.lstrip('/') or 'postgres'}"
    )
    while True:
        try:
            with psycopg.connect(
                settings.database_url.split("?")[0], connect_timeout=DB_CHECK_SECONDS
            ) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.Error as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            if _sqlstate(error) != TOO_MANY_CONNECTIONS:
                raise CannotStart(f"cannot reach PostgreSQL at {where}: {reason}") from None
            log.warning(
                "PostgreSQL at %s has no connection free (%s); trying again every %.0f s",
                where,
                reason,
                FULL_RETRY_SECONDS,
            )
            time.sleep(FULL_RETRY_SECONDS)


def open_paysync() -> Paysync:
    """paysync built on the settings' store, once the database has answered."""
    from interfaces.bootstrap import bootstrap  # on demand: a command's help stays quick

    config = settings()
    check_database(config)
    return bootstrap(config)


def _sqlstate(error: psycopg.Error) -> str | None:
    # A refusal at connection time carries no diagnostic object, only the server's message.
    if error.sqlstate:
        return error.sqlstate
    text = str(error)
    return (
        TOO_MANY_CONNECTIONS
        if "too many connections" in text or "too many clients" in text
        else None
    )


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound now, so a port in use is found before any banner."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise CannotStart(
            f"cannot listen on {host}:{port}: {error.strerror or error} "
            "(is another paysync still running? stop it or choose another --port)"
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def port_is_free(host: str, port: int) -> None:
    bind(host, port).close()


class Stopping(SystemExit):
    """Raised in the main thread by SIGTERM or SIGINT; `finally` blocks clean up."""


def stop_on_signals() -> None:
    """SIGTERM and SIGINT raise Stopping (exit status 0) once; a second one waits for the
    clean-up under way rather than cutting it short."""
    stopping = False

    def handle(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Stopping(0)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)
