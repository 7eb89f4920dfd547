"""The HTTP API: create_app(settings) builds it, with paysync's parts, when it is called.

paysync's own API; the ERP sandbox has an app of its own (infrastructure/erp_sandbox/app.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from infrastructure.settings import Settings
from interfaces.api.idempotency import IdempotencyMiddleware
from interfaces.api.limits import BodyLimit
from interfaces.api.observability import RequestObservation
from interfaces.api.problems import install_problem_handlers, problem_responses
from interfaces.api.routes import (
    audit,
    check_register,
    disbursements,
    erp_check_numbers,
    erp_integrations,
    erp_settings,
    funding_accounts,
    invoices,
    operations,
    payment_changes,
    record_changes,
    reports,
    sage_300_cre_agent,
    web_connector,
)
from interfaces.api.versions import ETags
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
        to_thread.current_default_thread_limiter().total_tokens = settings.http_threads
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

    # Swagger UI and ReDoc from files in a Python package: /docs works with no internet.
    app = FastAPIOffline(
        title="paysync",
        version="1",
        summary="Construction payments into the contractor's ERP, exactly once.",
        lifespan=lifespan,
    )
    app.state.paysync = system
    app.add_middleware(
        RequestObservation, metrics=system.metrics, access_log=system.settings.access_log
    )
    install_problem_handlers(app)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(ETags)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)  # outermost: first
    app.include_router(operations.router)
    for module in (erp_settings, funding_accounts, invoices, disbursements, payment_changes):
        app.include_router(module.router, responses=problem_responses())
    app.include_router(audit.router, responses=problem_responses())
    mount_web(app)
    for module in (
        erp_integrations,
        record_changes,
        reports,
        check_register,
        web_connector,
        sage_300_cre_agent,
        erp_check_numbers,
    ):
        app.include_router(module.router, responses=problem_responses())

    @app.get("/health", tags=["operations"])
    async def health() -> dict[str, bool]:  # on the event loop, as /healthz
        return {"ok": True}

    return app
