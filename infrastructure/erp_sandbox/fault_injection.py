"""Makes the ERP-shaped requests suffer the injected faults; admin requests never do."""

from __future__ import annotations

from dataclasses import dataclass

import anyio
import anyio.to_thread
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from infrastructure.erp_sandbox.faults import FaultMode
from infrastructure.erp_sandbox.storage import SandboxStore


class FaultInjection:
    """ASGI middleware in front of every ERP's routes.

    It counts each ERP-shaped request and takes the next pending fault for it (or one dealt by
    the random fault rate). The delay of a `timeout` or `slow` fault is spent after the ERP has
    done the work and before the first byte of the answer, asleep on the event loop, so other
    requests go on meanwhile. The mangling faults let the ERP do the work and keep its answer
    (a repeat of the request id gets the true one), then send something else.
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
        if fault.mode is FaultMode.RESET:
            await _hang_up(send)
        if fault.mode in MANGLED:
            answer = await _answer_of(self._app, scope, receive)
            await MANGLED[fault.mode](answer, send)
            return

        async def send_late(message: Message) -> None:
            if message["type"] == "http.response.start":
                await anyio.sleep(fault.delay_seconds)
            await send(message)

        await self._app(scope, receive, send_late)


class HungUp(Exception):
    """Raised once an answer has begun, so the server closes the connection mid-answer."""


async def _hang_up(send: Send) -> None:
    # A server only drops the connection of an answer it has begun (before that it answers
    # 500): promise a body, send none, and break off.
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"1024")],
        }
    )
    raise HungUp("ERP sandbox: injected fault, connection closed mid-answer")


@dataclass
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


async def _answer_of(app: ASGIApp, scope: Scope, receive: Receive) -> _Answer:
    """Runs the request (the ERP does the work) and keeps its whole answer back."""
    answer = _Answer(500, [], b"")

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status, answer.headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")

    await app(scope, receive, keep)
    return answer


async def _send(send: Send, status: int, content_type: bytes, body: bytes) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _drop_answer(answer: _Answer, send: Send) -> None:
    await _hang_up(send)


async def _garbage(answer: _Answer, send: Send) -> None:
    await _send(send, 200, b"application/json", b"\x00\x9f<<garbage>>{{{" + answer.body[::-3])


async def _truncated(answer: _Answer, send: Send) -> None:
    await _send(send, answer.status, b"application/json", answer.body[: len(answer.body) // 2])


async def _wrong_content_type(answer: _Answer, send: Send) -> None:
    page = b"<html><body><h1>Service temporarily rerouted</h1></body></html>"
    await _send(send, 200, b"text/html; charset=utf-8", page)


MANGLED = {
    FaultMode.DROP_ANSWER: _drop_answer,
    FaultMode.GARBAGE: _garbage,
    FaultMode.TRUNCATED: _truncated,
    FaultMode.WRONG_CONTENT_TYPE: _wrong_content_type,
}
