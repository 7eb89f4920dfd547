"""What operators and newcomers open first: /, /healthz, /readyz and /metrics."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from interfaces.bootstrap import Paysync

router = APIRouter(tags=["operations"])


def _paysync(request: Request) -> Paysync:
    system: Paysync = request.app.state.paysync
    return system


@router.get("/", response_model=None, summary="A person to the web app, a program to links")
def index(request: Request) -> Response:
    accept = request.headers.get("accept", "")
    if "text/html" in accept:
        return RedirectResponse("/app/", status_code=303)
    return JSONResponse(
        {
            "name": "paysync",
            "links": {
                "web_app": "/app/",
                "api_docs": "/docs",
                "api_reference": "/redoc",
                "openapi": "/openapi.json",
                "companies": "/v1/companies/{company_id}",
                "health": "/healthz",
                "readiness": "/readyz",
                "metrics": "/metrics",
            },
        }
    )


@router.get("/healthz", summary="The process lives (no dependency is checked)")
async def healthz() -> dict[str, bool]:
    # On the event loop, not a worker thread: a probe must answer while slow ERP calls hold
    # every thread of the blocking routes, or the orchestrator restarts a busy server.
    return {"ok": True}


@router.get("/readyz", summary="Store reachable, read models caught up, export leases current")
def readyz(request: Request) -> JSONResponse:
    checks = readiness(_paysync(request))
    ready = all(check["ok"] for check in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics of this process", response_class=Response)
def metrics(request: Request) -> Response:
    registry = _paysync(request).metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def readiness(paysync: Paysync) -> dict[str, dict[str, Any]]:
    settings = paysync.settings
    try:
        end = paysync.payments.recorder.max_notification_id() or 0
    except Exception as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        return {"store": {"ok": False, "reason": reason}}
    checks: dict[str, dict[str, Any]] = {"store": {"ok": True, "position": end}}
    lags = paysync.lags()
    for name, behind in lags.items():
        checks[name] = {"ok": behind <= settings.ready_max_lag_events, "behind": behind}
    # A due job nobody has leased for longer than a lease lasts means no worker is exporting.
    due = paysync.export_queue.next_due_at()
    overdue = 0.0 if due is None else max(0.0, time.time() - due)
    checks["export_leases"] = {
        "ok": overdue <= settings.export_lease_seconds + settings.ready_max_export_delay_seconds,
        "oldest_due_seconds": round(overdue, 3),
    }
    return checks
