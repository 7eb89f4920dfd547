"""Which connector speaks to a company's ERP: one per connector and connection.

The registry says which connectors exist; this directory checks a company's connection
settings against its connector (the one place an ERP address is accepted, so a check of the
hosts a company may name belongs in `address_check`) and builds connectors from them.

Not the read model of the same name (application/read_models/directory.py): a different
concept that a later rename should tell apart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from pydantic import ValidationError

from application.ports import (
    BillAnswer,
    BillToExport,
    Capabilities,
    ConnectorKind,
    ErpAnswer,
    ErpConnector,
    ErpRefused,
    Idempotency,
    PaymentRecordToExport,
)
from domain.company import Connector
from domain.errors import InvalidConnection
from domain.export_failure import ExportFailureReason
from infrastructure.erp.addresses import ErpAddressRefused
from infrastructure.erp.connection import (
    BuildContext,
    ConnectorModule,
    MissingSecret,
    Secrets,
    as_text,
)
from infrastructure.erp.registry import REGISTRY

# What paysync knows without configuration: the ERP sandbox takes any credential.
SANDBOX_SECRETS = {"sandbox": "sandbox"}


class ConnectorNotAvailable:
    """No connector can be built from the settings: every record fails, saying why."""

    capabilities = Capabilities(ConnectorKind.DIRECT, False, True, Idempotency.NATIVE_KEY)

    def __init__(self, connector_name: str, why: str) -> None:
        self.connector_name = connector_name
        self.why = why

    def _refuse(self) -> ErpRefused:
        return ErpRefused(ExportFailureReason.ERP_REJECTED, self.why)

    def export_bill(self, bill: BillToExport) -> BillAnswer:
        return self._refuse()

    def export_payment(self, record: PaymentRecordToExport) -> ErpAnswer:
        return self._refuse()


def validation_words(error: ValidationError) -> str:
    return "; ".join(
        f"connection.{'.'.join(str(part) for part in problem['loc']) or '?'}: {problem['msg']}"
        for problem in error.errors()
    )


class ConnectorDirectory:
    """Connectors share one HTTP connection pool and are kept per (connector, connection)."""

    def __init__(
        self,
        timeout_seconds: float = 5.0,
        secrets: Mapping[str, str] | None = None,
        *,
        registry: Mapping[Connector, ConnectorModule[Any]] = REGISTRY,
        address_check: Callable[[str], object] = lambda url: None,
    ) -> None:
        # Redirects are never followed: an ERP answers where it was asked, or not at all.
        self._client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)
        secrets = SANDBOX_SECRETS if secrets is None else secrets
        self._context = BuildContext(self._client, timeout_seconds, Secrets(secrets))
        self._registry = registry
        self.address_check = address_check
        self._connectors: dict[tuple[str, frozenset[tuple[str, str]]], ErpConnector] = {}
        self._lock = threading.Lock()

    def checked_connection(
        self, connector: str, connection: Mapping[str, object] | None, erp_base_url: str | None
    ) -> dict[str, str]:
        """The connection as the connector needs it, or InvalidConnection saying what is wrong.

        `erp_base_url` (API.md's field) stands for the connection's `base_url`.
        """
        merged: dict[str, object] = dict(connection or {})
        if erp_base_url and "base_url" not in merged:
            merged["base_url"] = erp_base_url
        module = self._registry.get(Connector.named(connector))
        if module is None:
            # Not offered by this paysync yet: kept as given, refused at export with why.
            return {name: str(value) for name, value in merged.items()}
        try:
            checked = module.connection.model_validate(merged)
        except ValidationError as error:
            raise InvalidConnection(
                f"the {connector} connection is not valid: {validation_words(error)}"
            ) from None
        text = as_text(checked)
        for name, value in text.items():
            if name == "base_url" or name.endswith("_url"):
                self.address_check(value)
        return text

    def connector_for(self, connector: str, connection: Mapping[str, str]) -> ErpConnector:
        key = (connector, frozenset(connection.items()))
        with self._lock:
            if key not in self._connectors:
                self._connectors[key] = self._build(connector, connection)
            return self._connectors[key]

    def _module(self, connector: str) -> ConnectorModule[Any]:
        module = self._registry.get(Connector.named(connector))
        if module is None:
            raise InvalidConnection(
                f"the {connector} connector is not available yet in this paysync"
            )
        return module

    def _build(self, connector: str, connection: Mapping[str, str]) -> ErpConnector:
        try:
            module = self._module(connector)
            for name, value in connection.items():
                if name == "base_url" or name.endswith("_url"):
                    self.address_check(value)
            return module.connector(connection, self._context)
        except InvalidConnection as error:
            return ConnectorNotAvailable(connector, str(error))
        except ValidationError as error:
            why = (
                f"the company's {connector} connection cannot reach the ERP"
                f" ({validation_words(error)}): set it, then export again"
            )
            return ConnectorNotAvailable(connector, why)
        except MissingSecret as error:
            return ConnectorNotAvailable(connector, f"{error}; then export again")
        except ErpAddressRefused as error:
            # Checked again here: an address kept before the operator narrowed the list is
            # not called either.
            return ConnectorNotAvailable(connector, f"the company's ERP address: {error}")

    def close(self) -> None:
        self._client.close()
