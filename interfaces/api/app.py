"""The HTTP API: create_app(settings) builds it, with paysync's parts, when it is called.

paysync's own API; the ERP sandbox has an app of its own (infrastructure/erp_sandbox/app.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from infrastructure.settings import Settings
from interfaces.api.problems import install_problem_handlers
from interfaces.api.routes import (
    audit,
    check_register,
    disbursements,
    erp_integrations,
    erp_settings,
    funding_accounts,
    invoices,
    payment_changes,
    reports,
)
from interfaces.bootstrap import Paysync, bootstrap
from interfaces.web.pages import mount_web


def create_app(
    settings: Settings,
    paysync: Paysync | None = None,
    *,
    worker: bool = False,
    audit_chain: bool = False,
    projections: bool = False,
) -> FastAPI:
    """The API over a paysync built from `settings` (or the one given, which the caller owns).

    With `worker`, the ERP export runs in the server's process while it serves (the embedded
    default of `paysync serve`). With `audit_chain`, the audit hash chain is extended as
    events are saved (else `audit verify` extends it when it runs). With `projections`, the
    read models are kept current in the server's process (else by `paysync projections`).
    """
    owned = paysync is None
    system = paysync or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if worker:
            system.start_worker()
        if audit_chain:
            system.start_audit_chain()
        if projections:
            system.start_projections()
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
    for module in (erp_settings, funding_accounts, invoices, disbursements, payment_changes):
        app.include_router(module.router)
    app.include_router(audit.router)
    mount_web(app)
    for module in (erp_integrations, reports, check_register):
        app.include_router(module.router)

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, bool]:
        return {"ok": True}

    return app
