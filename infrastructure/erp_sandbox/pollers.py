"""The programs the sandbox runs on the contractor's side, which poll paysync from there.

An ERP paysync cannot call (QuickBooks Desktop's Web Connector, the Sage 300 CRE agent) is
reached by a program beside it that polls paysync. The sandbox plays that program: a test
registers paysync's URL and a login, and one background thread per dialect polls every
registration about as often as it asks. What one poll does is the dialect's own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from fastapi import APIRouter
from pydantic import BaseModel, Field

from infrastructure.erp_sandbox.storage import SandboxStore

log = logging.getLogger(__name__)


class PollerIn(BaseModel):
    app_url: str = Field(min_length=1)  # paysync's URL for the poller, e.g. .../agent
    username: str = "paysync-sandbox"
    password: str = "sandbox"  # noqa: S105 - the sandbox secret's value
    poll_seconds: float = Field(default=1.0, gt=0)


@dataclass
class Poller:
    app_url: str
    username: str
    password: str
    poll_seconds: float


def poller_router(
    store: SandboxStore,
    path: str,
    what: str,
    thread_name: str,
    poll: Callable[[httpx.Client, SandboxStore, Poller], None],
) -> APIRouter:
    """`POST /sandbox{path}` registers a poller, `DELETE` forgets them all; a thread polls."""
    routes = APIRouter(prefix="/sandbox", tags=["sandbox admin"])
    registered: list[Poller] = []
    wake = threading.Event()

    def run() -> None:
        with httpx.Client(timeout=10.0) as client:
            while True:
                for poller in list(registered):
                    try:
                        poll(client, store, poller)
                    except Exception:  # a bad poll must not stop the polling for good
                        log.exception("%s poll of %s failed", what, poller.app_url)
                wake.wait(min((poller.poll_seconds for poller in registered), default=1.0))
                wake.clear()

    threading.Thread(target=run, name=thread_name, daemon=True).start()

    @routes.post(path, status_code=201)
    def register(body: PollerIn) -> dict[str, str]:
        registered.append(Poller(**body.model_dump()))
        wake.set()
        return {"app_url": body.app_url}

    @routes.delete(path, status_code=204)
    def forget() -> None:
        registered.clear()

    return routes
