"""The sandbox ERP as an ASGI app: its admin paths, and one set of routes per ERP.

The sandbox's own server, a stand-in for the ERPs; not paysync's API (interfaces/api/app.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request

from infrastructure.erp_sandbox.admin import admin_router
from infrastructure.erp_sandbox.dialects import DIALECTS
from infrastructure.erp_sandbox.fault_injection import FaultInjection
from infrastructure.erp_sandbox.storage import SandboxStore
from infrastructure.erp_sandbox.trace import RequestIdTrace, new_trace, trace_router


def create_app(data_dir: Path) -> FastAPI:
    """The sandbox over the store in `data_dir`, opened now and closed when the app stops.

    Every dialect's routes are mounted and its path prefix counted and faulted, so adding
    an ERP is a dialect module and its line in `dialects/__init__.py`.
    """
    store = SandboxStore(data_dir)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="paysync ERP sandbox", lifespan=lifespan)
    app.include_router(admin_router(store))
    for dialect in DIALECTS:
        app.include_router(dialect.router(store))

    @app.get("/sandbox/dialects", tags=["sandbox admin"])
    def dialects(request: Request) -> list[dict[str, Any]]:
        """Per connector, the `connection` object that works against this sandbox."""
        base_url = str(request.base_url).rstrip("/")
        return [
            {"connector": dialect.connector, "connection": dialect.connection(base_url)}
            for dialect in DIALECTS
        ]

    prefixes = tuple(dialect.path_prefix for dialect in DIALECTS)
    app.add_middleware(FaultInjection, store=store, erp_path_prefixes=prefixes)
    seen = new_trace()
    app.include_router(trace_router(seen))
    app.add_middleware(RequestIdTrace, seen=seen)
    return app
