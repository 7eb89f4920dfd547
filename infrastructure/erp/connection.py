"""What every connector's connection settings share: typed fields, addresses, secret names.

A connector module declares its `Connection` (a pydantic model of its ERP's own settings) and
how to build itself from one. Secrets never sit in a connection: a field ending in `_ref`
names a secret, and the value is looked up in paysync's configuration when the connector is
built (PAYSYNC_ERP_SECRETS), so neither the event history nor a GET ever holds it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from application.ports import ErpConnector


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// address with a host")
    return value.rstrip("/")


BaseUrl = Annotated[str, Field(max_length=500), AfterValidator(_http_url)]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")]
SecretRef = Annotated[
    str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
]  # the name of a configured secret, never the secret


class ConnectionSettings(BaseModel):
    """The base of every connector's `Connection`: unknown names are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpConnection(ConnectionSettings):
    """An ERP paysync calls: its address."""

    base_url: BaseUrl


class MissingSecret(LookupError):
    pass


class Secrets:
    """The secrets paysync's configuration holds, by name."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)

    def resolve(self, ref: str) -> str:
        try:
            return self._values[ref]
        except KeyError:
            raise MissingSecret(
                f"the secret {ref!r} named by the connection is not configured"
                " (add it to PAYSYNC_ERP_SECRETS)"
            ) from None


def is_agent_login(
    connection: Mapping[str, str] | None,
    configured: Mapping[str, str],
    prefix: str,
    username: str,
    password: str,
) -> bool:
    """Whether an agent's login is the one its company's connection names: the username in
    `{prefix}_username`, the password the configured secret `{prefix}_password_ref` names
    (compared in constant time)."""
    if connection is None:
        return False
    expected = configured.get(connection.get(f"{prefix}_password_ref", ""))
    return (
        expected is not None
        and username == connection.get(f"{prefix}_username")
        and secrets.compare_digest(password, expected)
    )


@dataclass(frozen=True)
class BuildContext:
    """What a connector gets besides its connection: the shared HTTP pool and secrets."""

    client: httpx.Client
    timeout: float
    secrets: Secrets


C = TypeVar("C", bound=ConnectionSettings)


@dataclass(frozen=True)
class ConnectorModule(Generic[C]):
    """One ERP's entry in the registry: its connection settings and how to build it."""

    connection: type[C]
    build: Callable[[C, BuildContext], ErpConnector]

    def connector(self, connection: Mapping[str, str], context: BuildContext) -> ErpConnector:
        return self.build(self.connection.model_validate(connection), context)


def as_text(connection: ConnectionSettings) -> dict[str, str]:
    """A checked connection as events hold it: every value as text."""
    return {name: str(value) for name, value in connection.model_dump(exclude_none=True).items()}
