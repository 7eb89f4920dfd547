"""The request ids callers sent with their ERP requests, so a test can follow a command there.

Kept in memory (the last thousand), not in the sandbox's books: a trace, not a record.
"""

from __future__ import annotations

from collections import deque

from fastapi import APIRouter
from starlette.types import ASGIApp, Receive, Scope, Send

HEADER = b"x-request-id"


class RequestIdTrace:
    def __init__(self, app: ASGIApp, seen: deque[str]) -> None:
        self._app = app
        self._seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/sandbox"):
            for name, value in scope.get("headers", ()):
                if name == HEADER:
                    self._seen.append(str(value, "latin-1"))
        await self._app(scope, receive, send)


def trace_router(seen: deque[str]) -> APIRouter:
    router = APIRouter(prefix="/sandbox")

    @router.get("/request-ids")
    def request_ids() -> dict[str, list[str]]:
        return {"items": list(seen)}

    return router


def new_trace() -> deque[str]:
    return deque(maxlen=1000)
