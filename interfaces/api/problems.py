"""Errors as application/problem+json (RFC 9457), mapped from the domain's hierarchy once."""

from __future__ import annotations

import logging
import re
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application.errors import ErpUnreachable, NotFound
from application.payments.idempotency import ClaimedElsewhere
from application.payments.preconditions import PreconditionFailed
from domain.errors import BadInput, DomainError, RuleRefused

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("paysync.api")


def problem(status: int, title: str, detail: str, kind: str, **extra: Any) -> JSONResponse:
    body = {"type": f"/problems/{kind}", "title": title, "status": status, "detail": detail}
    return JSONResponse({**body, **extra}, status_code=status, media_type=PROBLEM_JSON)


def status_of(error: DomainError) -> int:
    if isinstance(error, PreconditionFailed):
        return 412
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, BadInput):
        return 422
    if isinstance(error, RuleRefused):
        return 409
    if isinstance(error, ErpUnreachable):
        return 503
    return 400


def kind_of(error: Exception) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", type(error).__name__).lower()


def title_of(error: Exception) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).capitalize()


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        extra = {k: v for k, v in vars(error).items() if isinstance(v, str | None)}
        return problem(status_of(error), title_of(error), str(error), kind_of(error), **extra)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def store_unavailable(_: Request, error: Exception) -> JSONResponse:
        # The database's own words name hosts and ports: they stay in the server's log.
        logger.warning("event store unavailable: %s", error)
        response = problem(
            503,
            "Service unavailable",
            "paysync cannot reach its database just now; nothing was changed, try again",
            "service-unavailable",
        )
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(
            500,
            "Internal error",
            "paysync could not complete this request; it has been logged",
            "internal-error",
        )

    @app.exception_handler(ClaimedElsewhere)
    async def claimed_elsewhere(_: Request, error: ClaimedElsewhere) -> JSONResponse:
        # Seen by the idempotency middleware, which answers with the first request's answer.
        response = problem(409, "Conflict", "a request with this key took effect", "conflict")
        response.headers["x-paysync-claimed-elsewhere"] = "1"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(part) for part in e["loc"] if part != "body"),
                "message": str(e["msg"]).removeprefix("Value error, "),
            }
            for e in error.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Invalid request", detail, "invalid-request", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        titles = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
        }
        title = titles.get(error.status_code, "Error")
        response = problem(
            error.status_code, title, str(error.detail), title.lower().replace(" ", "-")
        )
        if error.headers:
            response.headers.update(error.headers)
        if error.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response


def allowed_methods(request: Request) -> list[str]:
    """Every method the API documents at this path (the router names only one route's)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {method.upper() for method in operations}
    return sorted(methods)


_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}
ERRORS = {
    401: "no valid bearer token",
    403: "the token's role may not do this",
    404: "no such record in this company (or another company's path)",
    405: "the path does not take this method",
    409: "a rule refuses the command in the record's current state",
    412: "If-Match names a version the record no longer has",
    413: "the request body is over the limit",
    422: "the request is not valid",
    500: "an unexpected error (logged)",
    503: "the database cannot be reached just now; try again",
}


def problem_responses() -> dict[int | str, dict[str, Any]]:
    """Every error status a route can answer, as problem+json, for the OpenAPI document."""
    return {
        status: {
            "description": description,
            "content": {PROBLEM_JSON: {"schema": _PROBLEM_SCHEMA}},
        }
        for status, description in ERRORS.items()
    }
