"""Makes the ERP-shaped requests suffer the injected faults; admin requests never do."""

from __future__ import annotations

import anyio
import anyio.to_thread
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from infrastructure.erp_sandbox.faults import FaultMode
from infrastructure.erp_sandbox.storage import SandboxStore


class FaultInjection:
    """ASGI middleware in front of every ERP's routes.

    It counts each ERP-shaped request and takes the next pending fault for it. The delay of a
    `timeout` or `slow` fault is spent after the ERP has done the work and before the first
    byte of the answer, asleep on the event loop, so other requests go on meanwhile.
    """

    def __init__(self, app: ASGIApp, store: SandboxStore, erp_path_prefixes: tuple[str, ...]):
        self._app = app
        self._store = store
        self._erp_path_prefixes = erp_path_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self._erp_path_prefixes):
            await self._app(scope, receive, send)
            return
        fault = await anyio.to_thread.run_sync(self._store.receive_erp_request, scope["path"])
        if fault is None:
            await self._app(scope, receive, send)
            return
        if fault.mode is FaultMode.UNAVAILABLE:
            outage = PlainTextResponse(
                "503 Service Unavailable (ERP sandbox: injected 'unavailable' fault)",
                status_code=503,
            )
            await outage(scope, receive, send)
            return

        async def send_late(message: Message) -> None:
            if message["type"] == "http.response.start":
                await anyio.sleep(fault.delay_seconds)
            await send(message)

        await self._app(scope, receive, send_late)
