"""QuickBooks Online's paths, under /v3/company/{realmId}: thin, the books do the work.

A write that carries a `requestid` is answered once: a repeat within the same company (realm)
gets the first answer, refusals included, without the work being done again. Any realm is
accepted and they all share the sandbox's books; any bearer token is accepted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from infrastructure.erp_sandbox.quickbooks_online import books
from infrastructure.erp_sandbox.quickbooks_online.fault import (
    INVALID_PROPERTY,
    QboFault,
    authentication_failed,
)
from infrastructure.erp_sandbox.records import Answer
from infrastructure.erp_sandbox.storage import SandboxStore

PATH_PREFIX = "/v3/company/"
REQUEST_ID_MAX_LENGTH = 50  # Intuit's limit for all operations but batch

AuthorizationHeader = Annotated[str | None, Header()]


def quickbooks_online_router(store: SandboxStore) -> APIRouter:
    router = APIRouter(prefix=PATH_PREFIX + "{realm_id}", tags=["QuickBooks Online"])

    for path, create in (("/bill", books.create_bill), ("/billpayment", books.create_bill_payment)):
        router.add_api_route(path, _creating(store, create), methods=["POST"], name=create.__name__)

    @router.get("/query")
    async def query(
        realm_id: str,
        query: str = "",
        authorization: AuthorizationHeader = None,
        minorversion: str | None = None,
    ) -> JSONResponse:
        if not _is_bearer(authorization):
            return _response(authentication_failed())
        return _response(await anyio.to_thread.run_sync(books.run_query, store, query))

    return router


def _creating(
    store: SandboxStore, create: Callable[[SandboxStore, bytes], Answer]
) -> Callable[..., Awaitable[JSONResponse]]:
    """The route of one create: the body goes to `create`, answered once per request id."""

    async def route(
        realm_id: str,
        request: Request,
        authorization: AuthorizationHeader = None,
        requestid: str | None = None,
        minorversion: str | None = None,
    ) -> JSONResponse:
        work = partial(create, store, await request.body())
        return await _write_once(store, realm_id, requestid, authorization, work)

    return route


async def _write_once(
    store: SandboxStore,
    realm_id: str,
    request_id: str | None,
    authorization: str | None,
    work: Callable[[], Answer],
) -> JSONResponse:
    # QuickBooks Online authenticates before it looks at the request id.
    if not _is_bearer(authorization):
        return _response(authentication_failed())
    if request_id is not None and len(request_id) > REQUEST_ID_MAX_LENGTH:
        detail = f"requestid is {len(request_id)} characters long, at most 50 are supported"
        return _response(QboFault(INVALID_PROPERTY, detail, "requestid").answer())
    if request_id is None:
        answer = await anyio.to_thread.run_sync(work)
    else:
        answer = await anyio.to_thread.run_sync(
            store.answer_once, books.CONNECTOR, realm_id, request_id, work
        )
    return _response(answer)


def _is_bearer(authorization: str | None) -> bool:
    scheme, _, token = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def _response(answer: Answer) -> JSONResponse:
    return JSONResponse(answer.body, status_code=answer.status)
