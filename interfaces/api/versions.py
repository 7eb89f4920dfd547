"""Optimistic concurrency over HTTP: `ETag` is the record's version, `If-Match` holds it to it.

Every answer carrying one record (a disbursement, an invoice, a funding account) has
`ETag: "<version>"`. A PATCH or command with `If-Match: "<version>"` runs only if the record is
still at that version when the command loads it (412 otherwise); see
application/payments/preconditions.py for why that holds under concurrency. See docs/adr/0035.
"""

from __future__ import annotations

import json
import re
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application.payments.preconditions import PreconditionFailed, expect_version

RECORD_IDS = ("disbursement_id", "invoice_id", "account_id")
_RECORD_PATH = re.compile(r"^/v1/companies/[^/]+/(disbursements|invoices|funding-accounts)(/|$)")
_TAG = re.compile(r'^(W/)?"(?P<version>[0-9]{1,10})"$')


async def if_match(request: Request) -> None:
    """A router dependency: note the version a PATCH or command expects of its record."""
    header = request.headers.get("if-match")
    if request.method in ("GET", "HEAD") or header is None or header.strip() == "*":
        return
    record = next((request.path_params[n] for n in RECORD_IDS if n in request.path_params), None)
    if record is None:
        return
    try:
        aggregate_id = UUID(str(record))
    except ValueError:
        return  # the route refuses the id itself
    tag = _TAG.match(header.strip())
    if tag is None:
        raise PreconditionFailed('If-Match must be an ETag this API gave, such as "5"')
    expect_version(aggregate_id, int(tag["version"]))


def versioned_router(prefix: str, tag: str) -> APIRouter:
    """The router of one kind of record: its commands hold to the version `If-Match` names."""
    return APIRouter(prefix=prefix, tags=[tag], dependencies=[Depends(if_match)])


class ETags:
    """Adds `ETag` to JSON answers about one record (they carry its `version`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _RECORD_PATH.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = b""

        async def held(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body += message.get("body", b"")
            if message.get("more_body", False):
                return
            headers = MutableHeaders(scope=start)
            version = (
                _version_of(body) if headers.get("content-type") == "application/json" else None
            )
            if version is not None and start["status"] < 300:
                headers["ETag"] = f'"{version}"'
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, held)


def _version_of(body: bytes) -> int | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    version = document.get("version") if isinstance(document, dict) else None
    return version if isinstance(version, int) and "id" in document else None
