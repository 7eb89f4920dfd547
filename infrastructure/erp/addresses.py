"""Which ERP addresses a company may name: hosts the operator allowed, over https.

A company's ERP address is where paysync POSTs its payment records, so it is the one URL a
tenant chooses for the server to call. Left open, it lets any accounting approver make paysync
call its own network (the ERP sandbox's admin paths, a database port). The operator lists
the ERP hosts in PAYSYNC_ERP_ALLOWED_HOSTS; `host` allows any port of that host, `host:port`
that port only. Plain http is for the embedded development run only. See docs/adr/0030.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from domain.errors import BadInput
from infrastructure.settings import Settings

_HOST = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
_PATH = re.compile(r"^(/[A-Za-z0-9._~-]+)*/?$")


class ErpAddressRefused(BadInput):
    """The ERP address is not one this paysync may call."""


class ErpAddresses:
    """The operator's allow-list, applied to every ERP address before it is kept or called."""

    def __init__(self, allowed_hosts: frozenset[str], allow_http: bool = False) -> None:
        self.allowed_hosts = allowed_hosts
        self.allow_http = allow_http

    @classmethod
    def of(cls, settings: Settings) -> ErpAddresses:
        return cls(settings.allowed_erp_hosts, allow_http=settings.development)

    def check(self, url: str) -> str:
        """`url` as paysync will call it (scheme://host[:port][/path]), or ErpAddressRefused."""
        parts = _split(url)
        if parts.scheme not in ("https", "http") or (
            parts.scheme == "http" and not self.allow_http
        ):
            allowed = "https or http" if self.allow_http else "https"
            raise ErpAddressRefused(f"an ERP address must use {allowed}")
        if parts.username is not None or parts.password is not None:
            raise ErpAddressRefused("an ERP address must not carry a user name or password")
        if parts.query or parts.fragment or url.rstrip().endswith(("?", "#")):
            raise ErpAddressRefused("an ERP address must not have a query or a fragment")
        host = (parts.hostname or "").lower()
        port = _port(parts)
        if not _HOST.match(host):
            raise ErpAddressRefused("an ERP address must name a host")
        if not _PATH.match(parts.path) or "/.." in parts.path or "/./" in f"{parts.path}/":
            raise ErpAddressRefused("an ERP address's path may hold only plain path segments")
        if host not in self.allowed_hosts and f"{host}:{port}" not in self.allowed_hosts:
            raise ErpAddressRefused(
                f"{host}:{port} is not an ERP host this paysync may call; the operator lists"
                " them in PAYSYNC_ERP_ALLOWED_HOSTS"
            )
        default_port = 443 if parts.scheme == "https" else 80
        origin = host if port == default_port else f"{host}:{port}"
        return f"{parts.scheme}://{origin}{parts.path.rstrip('/')}"

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be called, or None when it may."""
        try:
            self.check(url)
        except ErpAddressRefused as error:
            return str(error)
        return None


def _split(url: str) -> SplitResult:
    if any(ord(character) < 33 or ord(character) > 126 for character in url):
        raise ErpAddressRefused("an ERP address must be a plain URL without spaces")
    try:
        return urlsplit(url)
    except ValueError:
        refusal = "an ERP address must be a URL such as https://erp.example"
        raise ErpAddressRefused(refusal) from None


def _port(parts: SplitResult) -> int:
    try:
        port = parts.port
    except ValueError:
        raise ErpAddressRefused("an ERP address's port must be a number from 1 to 65535") from None
    if port == 0:
        raise ErpAddressRefused("an ERP address's port must be a number from 1 to 65535")
    return port if port is not None else (443 if parts.scheme == "https" else 80)
