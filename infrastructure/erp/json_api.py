"""The HTTP plumbing the direct JSON connectors share: a request to the ERP, its answer read.

Acumatica, CMiC and Viewpoint Vista differ in their payloads and in where their error bodies
put the field at fault; how a request goes out, what counts as taken, and what an answer with
no usable record means are the same for each, and live here once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from application.ports import BillAnswer, ErpAccepted, ErpRefused
from domain.export_failure import ExportFailureReason
from infrastructure.erp import http_exchange

# Reads the ERP's own error words out of a JSON body (and the HTTP status, as text), or None
# when the body says nothing paysync can read.
ErrorReader = Callable[[Any, str], ErpRefused | None]


@dataclass(frozen=True)
class JsonApi:
    """One ERP's JSON API at one address: the headers every request carries, how it says no."""

    erp_name: str
    client: httpx.Client
    url: str
    refusal_of: Callable[[httpx.Response], ErpRefused]
    headers: Mapping[str, str] | None = None

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response | ErpRefused:
        """The ERP's answer, or why none came back."""
        kwargs.setdefault("headers", self.headers)
        request = self.client.build_request(method, f"{self.url}/{path}", **kwargs)
        return http_exchange.send(self.client, request, self.erp_name)

    def taken(self, method: str, path: str, **kwargs: Any) -> httpx.Response | ErpRefused:
        """The ERP's answer to a request it took (HTTP 2xx), or why it did not."""
        response = self.send(method, path, **kwargs)
        if isinstance(response, ErpRefused) or response.is_success:
            return response
        return self.refusal_of(response)

    def items(self, path: str, **kwargs: Any) -> list[Any] | ErpRefused:
        """The `items` a GET answers (the list shape CMiC's and Vista's APIs share)."""
        found = self.taken("GET", path, **kwargs)
        if isinstance(found, ErpRefused):
            return found
        body = http_exchange.json_of(found)
        items = body.get("items") or [] if isinstance(body, dict) else None
        if not isinstance(items, list):
            return http_exchange.unreadable_success(found, self.erp_name)
        return items

    def values(self, path: str, name: str, **kwargs: Any) -> list[str] | ErpRefused:
        """The `name` of every item a GET answers that has one."""
        items = self.items(path, **kwargs)
        if isinstance(items, ErpRefused):
            return items
        return [str(item[name]) for item in items if item.get(name)]

    def every_item(
        self, path: str, params: Mapping[str, str], page_size: int
    ) -> list[Any] | ErpRefused:
        """Every item a GET finds, a page of `page_size` at a time: `limit` and `offset` in,
        `hasMore` out (the paging CMiC's and Vista's APIs share)."""
        found: list[Any] = []
        while True:
            paged = {**params, "limit": str(page_size), "offset": str(len(found))}
            response = self.taken("GET", path, params=paged)
            if isinstance(response, ErpRefused):
                return response
            body = http_exchange.json_of(response)
            page = body.get("items") if isinstance(body, dict) else None
            if not isinstance(page, list):
                return ErpRefused(
                    ExportFailureReason.ERP_UNAVAILABLE,
                    f"{self.erp_name} answered a listing with no items:"
                    f" {http_exchange.printable(response.text)}",
                )
            found += page
            if not (page and body.get("hasMore") is True):
                return found

    def made_before(self, path: str, id_field: str, **kwargs: Any) -> BillAnswer | None:
        """The record an earlier attempt made, if a look-up finds one, or why none could be."""
        items = self.items(path, **kwargs)
        if isinstance(items, ErpRefused):
            return items
        if items and items[0].get(id_field):
            return ErpAccepted(erp_ref=str(items[0][id_field]))
        return None

    def create(
        self, method: str, path: str, made: Callable[[Any], object], **kwargs: Any
    ) -> BillAnswer:
        """The record the ERP made, as `made` finds its reference in the answer."""
        response = self.taken(method, path, **kwargs)
        if isinstance(response, ErpRefused):
            return response
        body = http_exchange.json_of(response)
        reference = made(body) if isinstance(body, dict) else None
        if reference:
            return ErpAccepted(erp_ref=str(reference))
        return http_exchange.unreadable_success(response, self.erp_name)


def field(name: str) -> Callable[[Any], object]:
    """Finds a made record's reference in the answer's top-level field `name`."""
    return lambda body: body.get(name)


def listed(body: Any, name: str) -> list[dict[str, Any]] | None:
    """The objects an error body lists under `name`, or None when it lists none (or its first
    is no object, so names no reason)."""
    found = body.get(name) if isinstance(body, dict) else None
    if not (isinstance(found, list) and found and isinstance(found[0], dict)):
        return None
    return [entry for entry in found if isinstance(entry, dict)]


def refusal(response: httpx.Response, erp_name: str, read_errors: ErrorReader) -> ErpRefused:
    """Why an answer holds no record: "not now", the ERP's own words, or its status alone."""
    code = str(response.status_code)
    reason = ExportFailureReason.ERP_UNAVAILABLE
    if not http_exchange.is_unavailable(response):
        body = http_exchange.json_of(response)
        refused = read_errors(body, code)
        if refused is not None:
            return refused
        reason = ExportFailureReason.ERP_REJECTED
    return ErpRefused(
        reason, f"{erp_name} answered HTTP {code}: {http_exchange.printable(response.text)}", code
    )
