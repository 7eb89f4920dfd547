"""The HTTP API: create_app(settings) builds it, with paysync's parts, when it is called."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from infrastructure.settings import Settings
from interfaces.api.problems import install_problem_handlers
from interfaces.api.routes import (
    disbursements,
    erp_settings,
    funding_accounts,
    invoices,
    payment_records,
)
from interfaces.bootstrap import Paysync, bootstrap


def create_app(
    settings: Settings, paysync: Paysync | None = None, *, worker: bool = False
) -> FastAPI:
    """The API over a paysync built from `settings` (or the one given, which the caller owns).

    With `worker`, the ERP export runs in the server's process while it serves (the embedded
    default of `paysync serve`).
    """
    owned = paysync is None
    system = paysync or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if worker:
            system.start_worker()
        try:
            yield
        finally:
            if owned:
                system.close()

    app = FastAPI(
        title="paysync",
        version="1",
        summary="Construction payments into the contractor's ERP, exactly once.",
        lifespan=lifespan,
    )
    app.state.paysync = system
    install_problem_handlers(app)
    for module in (erp_settings, funding_accounts, invoices, disbursements, payment_records):
        app.include_router(module.router)

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, bool]:
        return {"ok": True}

    return app
