"""The request id of the command being handled, wherever the thread or task handling it is.

The HTTP layer sets it from the caller's X-Request-ID (or a new one); the application stamps
it on every event the command records, so a command can be followed from its request, through
its events, to the log lines and the ERP call it caused.
"""

from __future__ import annotations

from contextvars import ContextVar

current_request_id: ContextVar[str | None] = ContextVar("paysync_request_id", default=None)
