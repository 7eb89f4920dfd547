"""A dialect: how one ERP's requests reach the sandbox, and the connection that reaches it.

Adding an ERP to the sandbox is one dialect module (its router over the ledger, its path
prefix, its connection object) and its line in `dialects/__init__.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from infrastructure.erp_sandbox.records import Answer
from infrastructure.erp_sandbox.storage import SandboxStore

XML = "application/xml"


@dataclass(frozen=True)
class Dialect:
    connector: str
    path_prefix: str  # every ERP-shaped path of the dialect starts so (counted, faulted)
    router: Callable[[SandboxStore], APIRouter]
    connection: Callable[[str], dict[str, str]]  # from the sandbox's base URL


def xml_answer(status: int, text: str) -> Answer:
    """An XML answer, kept like a JSON one so a repeated request id gets it again."""
    return Answer(status=status, body={"xml": text})


def respond(answer: Answer) -> Response:
    if set(answer.body) == {"xml"}:
        return Response(answer.body["xml"], status_code=answer.status, media_type=XML)
    return JSONResponse(answer.body, status_code=answer.status)
