"""A dialect: how one ERP's requests reach the sandbox, and the connection that reaches it.

Adding an ERP to the sandbox is one dialect module (its router over the ledger, its path
prefix, its connection's fields) and its line in `dialects/__init__.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from infrastructure.erp_sandbox.ledger import Refusal, Rule
from infrastructure.erp_sandbox.records import Answer, Payment
from infrastructure.erp_sandbox.storage import SandboxStore

XML = "application/xml"


@dataclass(frozen=True)
class Dialect:
    connector: str
    path_prefix: str  # every ERP-shaped path of the dialect starts so (counted, faulted)
    router: Callable[[SandboxStore], APIRouter]
    connection_fields: Mapping[str, str]  # the same wherever the sandbox runs
    # An ERP paysync calls is found at the sandbox's base URL; one that polls paysync is not.
    called_at_base_url: bool = True

    def connection(self, base_url: str) -> dict[str, str]:
        """The `connection` object that works against the sandbox served at `base_url`."""
        address = {"base_url": base_url} if self.called_at_base_url else {}
        return {**address, **self.connection_fields}


def xml_answer(status: int, text: str) -> Answer:
    """An XML answer, kept like a JSON one so a repeated request id gets it again."""
    return Answer(status=status, body={"xml": text})


def respond(answer: Answer) -> Response:
    if set(answer.body) == {"xml"}:
        return Response(answer.body["xml"], status_code=answer.status, media_type=XML)
    return JSONResponse(answer.body, status_code=answer.status)


def add_json_route(
    routes: APIRouter,
    method: str,
    path: str,
    allowed: Callable[[Request], bool],
    unauthorized: Callable[[], Response],
    handle: Callable[[dict[str, Any]], Response],
) -> None:
    """A route taking one JSON object from a request the ERP lets in, handled off the loop.

    `handle` works on the sandbox's store, which blocks, so it runs in a worker thread."""

    async def endpoint(request: Request) -> Response:
        if not allowed(request):
            return unauthorized()
        body = json_object(await request.body())
        return await anyio.to_thread.run_sync(handle, body)

    routes.add_api_route(path, endpoint, methods=[method])


def json_object(raw: bytes) -> dict[str, Any]:
    """The request's JSON object; anything else reads as an empty one (refused as malformed)."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def paid_page(
    store: SandboxStore,
    connector: str,
    period: tuple[str, str],
    params: Mapping[str, str],
    view: Callable[[Payment], dict[str, Any]],
    most: int,
) -> dict[str, Any]:
    """One page of the connector's payment records dated within the period, each in its ERP's
    `view`, paged by `offset` and `limit` (at most `most`) and answering `hasMore` while rows
    remain: the paging CMiC's and Vista's APIs share."""
    found = await anyio.to_thread.run_sync(store.payments_paid, connector, *period)
    items = [view(payment) for payment in found]
    start = _count(params.get("offset"), 0)
    size = min(_count(params.get("limit"), most) or most, most)
    page = items[start : start + size]
    return {
        "items": page,
        "count": len(page),
        "offset": start,
        "limit": size,
        "hasMore": start + size < len(items),
    }


async def noted_payments(
    store: SandboxStore,
    connector: str,
    note: str | None,
    view: Callable[[Payment], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The connector's payment records kept under the note (the key a client looks up before
    it creates, where the ERP has no request id), each in its ERP's `view`; every record of
    the connector when the note is None."""
    found = await anyio.to_thread.run_sync(
        partial(store.payments, connector=connector, private_note=note)
    )
    return [view(payment) for payment in found]


def _count(value: object, default: int) -> int:
    try:
        return max(int(str(value)), 0) if value is not None else default
    except ValueError:
        raise Refusal(Rule.MALFORMED, f"{value!r} is not a count") from None


def money(value: object) -> Decimal:
    """A positive amount, in cents, however the ERP's JSON or XML wrote it."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise Refusal(Rule.MALFORMED, f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount <= 0:
        raise Refusal(Rule.MALFORMED, f"{value!r} is not a positive amount")
    return amount.quantize(Decimal("0.01"))


def required(value: object, name: str) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise Refusal(Rule.MALFORMED, f"{name} is required")
    return text
