"""`Idempotency-Key` on every POST: the first answer, replayed; never a second effect.

An ASGI middleware, so it sees the request's bytes and the response's bytes. For a POST under
a company by a caller whose token holds for that company:
- with a key already answered (within 24 hours): the same request gets the first answer again
  (`Idempotent-Replayed: true`); another request with the key is 422;
- otherwise the command runs with a pending claim, which goes into its first save (see
  application/payments/idempotency.py); if the command stored something, its answer is kept.
The bank's notifications (funding-complete, funding-failed, payout-returned) are idempotent by
nature: they are keyed by their path, so a retry without a key gets the first answer too.
Requests it cannot attribute (no valid token) pass through untouched, to be refused there.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application.payments.idempotency import IdempotentRequest, PendingClaim, claiming
from infrastructure.tokens import InvalidToken
from interfaces.api.limits import replaying
from interfaces.api.problems import PROBLEM_JSON

HEADER = "idempotency-key"
REPLAYED = "idempotent-replayed"
CLAIMED_ELSEWHERE = "x-paysync-claimed-elsewhere"
_COMPANY_PATH = re.compile(r"^/v1/companies/(?P<company>[^/]+)/")
_NATURAL = re.compile(
    r"^/v1/companies/[^/]+/disbursements/[^/]+/"
    r"(funding-complete|funding-failed|payments/[^/]+/payout-returned)$"
)
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
WAIT_FOR_FIRST_SECONDS = 10.0


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        company = _COMPANY_PATH.match(path)
        headers = Headers(scope=scope)
        given = headers.get(HEADER)
        natural = _NATURAL.match(path) is not None
        if company is None or (given is None and not natural):
            await self.app(scope, receive, send)
            return
        if given is not None and not _KEY.match(given):
            await _problem(send, 422, "Idempotency-Key must be 1 to 200 visible ASCII characters")
            return
        paysync = scope["app"].state.paysync
        subject = _subject(paysync, headers, company["company"])
        if subject is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client went away
        key = f"natural:{path}" if natural else given
        assert key is not None
        who = "" if natural else subject
        fingerprint = hashlib.sha256(f"{who}\n{path}\n".encode() + body).hexdigest()
        call = _Call(paysync.payments, company["company"], key, fingerprint, natural)
        await call.run(self.app, scope, replaying(body, receive), send)


@dataclass(frozen=True)
class _Call:
    """One POST under a key: replay, refuse, or run it with a claim."""

    payments: Any
    company_id: str
    key: str
    fingerprint: str
    natural: bool

    def _load(self) -> IdempotentRequest | None:
        found: IdempotentRequest | None = self.payments.idempotent_request(
            self.company_id, self.key
        )
        return found

    async def run(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        existing = await run_in_threadpool(self._load)
        if existing is not None and existing.live(time.time()):
            if existing.fingerprint == self.fingerprint:
                # Answered, or still running in another request: its answer, once there.
                await self._replay_when_answered(send)
                return
            if not self.natural:
                await _problem(
                    send, 422, "this Idempotency-Key was used for another request; use a new key"
                )
                return
            await app(scope, receive, send)  # another notification: the command decides
            return
        claim = PendingClaim(self.company_id, self.key, self.fingerprint, load=self._load)
        response = _Captured()
        with claiming(claim):
            await app(scope, receive, response.send)
        if response.headers.get(CLAIMED_ELSEWHERE):
            await self._replay_when_answered(send)
            return
        if claim.saved is not None and response.status < 500:
            # Should this fail, the effect is stored with its claim: a retry hears it took effect.
            with suppress(IntegrityError):
                await run_in_threadpool(self._keep, claim.saved, response)
        await response.forward(send)

    def _keep(self, request: IdempotentRequest, response: _Captured) -> None:
        request.answered(response.status, response.body.decode(), response.media_type)
        self.payments.save(request)

    async def _replay(self, request: IdempotentRequest, send: Send) -> None:
        answer = request.answer
        if answer is None:
            detail = (
                "a request with this Idempotency-Key took effect, but its answer was lost when"
                " the server stopped before sending it: read the record to see the result"
                if _first_gone(request)
                else "a request with this Idempotency-Key took effect and its answer is being"
                " recorded; send it again in a moment"
            )
            await _problem(send, 409, detail)
            return
        await _send(send, answer.status, answer.body.encode(), answer.media_type, replayed=True)

    async def _replay_when_answered(self, send: Send) -> None:
        while True:
            existing = await run_in_threadpool(self._load)
            assert existing is not None
            if existing.answer is not None or _first_gone(existing):
                await self._replay(existing, send)
                return
            await asyncio.sleep(0.02)


def _first_gone(request: IdempotentRequest) -> bool:
    """Whether the first request with the key has stopped for good without an answer.

    Counted from its claim, not from a retry: a claim a dead process left unanswered is told
    at once, before the retrying client's own timeout runs out."""
    return time.time() - request.claimed_at > WAIT_FOR_FIRST_SECONDS


class _Captured:
    """The app's response, held back until its answer is kept."""

    def __init__(self) -> None:
        self.status = 500
        self.raw_headers: list[tuple[bytes, bytes]] = []
        self.body = b""

    @property
    def headers(self) -> Headers:
        return Headers(raw=self.raw_headers)

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "application/json")

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.raw_headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    async def forward(self, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status, "headers": self.raw_headers}
        )
        await send({"type": "http.response.body", "body": self.body})


def _subject(paysync: Any, headers: Headers, company_id: str) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        principal = paysync.tokens.read(token)
    except InvalidToken:
        return None
    if principal.company_id != company_id:
        return None
    return f"{principal.subject.casefold()}:{principal.role.value}"


async def _read_body(receive: Receive) -> bytes | None:
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += bytes(message.get("body", b""))
        if not message.get("more_body", False):
            return body


async def _problem(send: Send, status: int, detail: str) -> None:
    titles = {409: "Conflict", 422: "Invalid request"}
    body = {
        "type": "/problems/idempotency-key",
        "title": titles[status],
        "status": status,
        "detail": detail,
    }
    await _send(send, status, json.dumps(body).encode(), PROBLEM_JSON)


async def _send(
    send: Send, status: int, body: bytes, media_type: str, *, replayed: bool = False
) -> None:
    headers = [
        (b"content-type", media_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if replayed:
        headers.append((REPLAYED.encode(), b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
