"""Every HTTP request: its id, its latency by route, and one cheap access-log line.

A plain ASGI middleware (no per-request task or body wrapping): it reads the route template
FastAPI leaves in the scope, so /v1/companies/acme/... and /v1/companies/beta/... are one
series, not one per company.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application.request_context import current_request_id
from infrastructure.metrics import Metrics
from interfaces.logs import ACCESS_LOGGER

access = logging.getLogger(ACCESS_LOGGER)
HEADER = b"x-request-id"
# A caller's id is kept when it is a plausible id; anything else is replaced, not echoed.
ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestObservation:
    def __init__(self, app: ASGIApp, metrics: Metrics, *, access_log: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = _route(scope)
            self.metrics.http_seconds.labels(scope["method"], route, str(status)).observe(seconds)
            if self.access_log and access.isEnabledFor(logging.INFO):
                access.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    route,
                    status,
                    seconds * 1000,
                    extra={"request_id": request_id},
                )
            current_request_id.reset(token)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER:
            text = str(value, "latin-1")
            if ACCEPTABLE_ID.match(text):
                return text
    return uuid.uuid4().hex


def _route(scope: Scope) -> str:
    route: Any = scope.get("route")
    path: object = getattr(route, "path_format", None) or getattr(route, "path", None)
    # Unmatched paths are one series, so probing clients cannot grow the label set.
    return f"{path}" if path else "unmatched"
