"""One HTTP exchange with an ERP, and what it means when no usable answer comes back.

Every HTTP connector shares this: a timeout, a refused connection, an HTTP 5xx or 429 is the
ERP being unavailable, the one failure a later attempt may cure by itself. After a timeout the
ERP may well have done the work, which is why connectors resend the same idempotency key.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from application.ports import ErpRefused
from application.request_context import current_request_id
from domain.export_failure import ExportFailureReason

TOO_MANY_REQUESTS = 429
# Control characters (a garbage answer's NUL bytes above all) are kept out of the messages
# paysync stores: PostgreSQL text refuses NUL, and no person can read them anyway.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def send(
    client: httpx.Client, request: httpx.Request, erp_name: str
) -> httpx.Response | ErpRefused:
    """The ERP's answer, or why none came back (ERP_UNAVAILABLE, unless it was unsendable).

    The request id of the command behind the call goes with it, for the ERP's own logs."""
    request_id = current_request_id.get()
    if request_id is not None:
        request.headers["X-Request-ID"] = request_id
    try:
        return client.send(request)
    except (httpx.ReadTimeout, httpx.WriteTimeout) as error:
        return ErpRefused(
            ExportFailureReason.ERP_UNAVAILABLE,
            f"{erp_name} did not answer in time ({type(error).__name__}); it may have done the"
            " work, which resending the same request id will not repeat",
        )
    except httpx.LocalProtocolError:
        # Nothing left this side (e.g. a blank token is not a valid header): sending the same
        # request again would fail the same way, so this is no outage.
        return ErpRefused(
            ExportFailureReason.ERP_REJECTED, f"paysync could not send the request to {erp_name}"
        )
    except httpx.TransportError:
        # The network's own words (refused, reset, DNS) are not repeated: they would tell a
        # tenant what listens where on paysync's network.
        return ErpRefused(
            ExportFailureReason.ERP_UNAVAILABLE,
            f"Could not reach {erp_name}; paysync tries again",
        )


def is_unavailable(response: httpx.Response) -> bool:
    """An answer that says "not now" (server trouble or throttling) rather than "no"."""
    return response.is_server_error or response.status_code == TOO_MANY_REQUESTS


def printable(text: str, limit: int = 300) -> str:
    """An ERP's words as paysync keeps them: at most `limit` characters, no control codes."""
    return CONTROL_CHARACTERS.sub("?", text[:limit])


def json_of(response: httpx.Response) -> Any:
    """The answer's JSON, or None when its body is none (garbage, a cut-off body, a page)."""
    try:
        return response.json()
    except ValueError:
        return None


def unreadable_success(response: httpx.Response, erp_name: str) -> ErpRefused:
    """A success whose body holds nothing paysync can read: the ERP may well have done the
    work, so it is "not now", resent under the same request id, never a refusal (ADR 0091).
    The body is not repeated: it may be anyone's page."""
    return ErpRefused(
        ExportFailureReason.ERP_UNAVAILABLE,
        f"{erp_name} answered HTTP {response.status_code} in a form paysync does not read",
        str(response.status_code),
    )
