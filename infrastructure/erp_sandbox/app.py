"""The sandbox ERP as an ASGI app: its admin paths, and one set of routes per ERP.

The sandbox's own server, a stand-in for the ERPs; not paysync's API (interfaces/api/app.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from infrastructure.erp_sandbox.admin import admin_router
from infrastructure.erp_sandbox.fault_injection import FaultInjection
from infrastructure.erp_sandbox.quickbooks_online.routes import (
    PATH_PREFIX as QUICKBOOKS_ONLINE_PATHS,
)
from infrastructure.erp_sandbox.quickbooks_online.routes import quickbooks_online_router
from infrastructure.erp_sandbox.storage import SandboxStore


def create_app(data_dir: Path) -> FastAPI:
    """The sandbox over the store in `data_dir`, opened now and closed when the app stops.

    Adding an ERP means one more router here and its path prefix in `erp_path_prefixes`, so
    its requests are counted and suffer the injected faults like the others.
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
    app.include_router(quickbooks_online_router(store))
    app.add_middleware(FaultInjection, store=store, erp_path_prefixes=(QUICKBOOKS_ONLINE_PATHS,))
    return app
