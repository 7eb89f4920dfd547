"""Server-sent events for the ERP Integrations page: a `changed` event whenever the company's
payment records in the read model change, so an open page re-reads its list by itself."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from interfaces.api.deps import PaymentsDep, Reader, ReadModelsDep
from interfaces.read_models import ReadModels

router = APIRouter(prefix="/v1/companies/{company_id}/erp-integrations", tags=["erp integrations"])

CHECK_SECONDS = 1.0
# A stream ends after this long and the page opens another: proxies drop idle streams anyway,
# and a server that shuts down is not held open by its pages.
STREAM_SECONDS = 55.0
WINDOW = 500


def company_mark(read_models: ReadModels, company_id: str) -> str:
    """What changes when any of the company's recent records changes: their latest update."""
    page = read_models.payment_records.page(company_id, None, None, WINDOW)
    latest = max((record.updated_at for record in page.items), default="")
    return f"{len(page.items)}:{latest}"


@router.get(
    "/payment-records/changes",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def record_changes(
    company_id: str,
    request: Request,
    caller: Reader,
    read_models: ReadModelsDep,
    payments: PaymentsDep,
) -> StreamingResponse:
    """`event: changed` each time the company's payment records change (checked each second,
    and only read again once the read model has applied new events); `retry` tells the page
    when to reconnect after the stream ends."""
    view = read_models.payment_records

    async def events() -> AsyncIterator[str]:
        yield f"retry: {int(CHECK_SECONDS * 1000)}\n\n"
        position = await run_in_threadpool(view.max_tracking_id, payments.name)
        mark = await run_in_threadpool(company_mark, read_models, company_id)
        loop = asyncio.get_running_loop()
        ends = loop.time() + STREAM_SECONDS
        while loop.time() < ends and not await request.is_disconnected():
            await asyncio.sleep(CHECK_SECONDS)
            now = await run_in_threadpool(view.max_tracking_id, payments.name)
            if now == position:
                yield ": still here\n\n"
                continue
            position = now
            fresh = await run_in_threadpool(company_mark, read_models, company_id)
            if fresh != mark:
                mark = fresh
                yield f"event: changed\ndata: {json.dumps({'at': fresh})}\n\n"

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
