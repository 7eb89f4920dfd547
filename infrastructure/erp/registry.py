"""The connector registry: one entry per `Connector`, the only line an ERP adds here."""

from __future__ import annotations

from typing import Any

from domain.company import Connector
from infrastructure.erp import (
    acumatica,
    cmic,
    quickbooks_desktop,
    quickbooks_online,
    sage_300_cre,
    sage_intacct,
    viewpoint_vista,
    yardi,
)
from infrastructure.erp.connection import ConnectorModule

REGISTRY: dict[Connector, ConnectorModule[Any]] = {
    Connector.QUICKBOOKS_ONLINE: quickbooks_online.MODULE,
    Connector.QUICKBOOKS_DESKTOP: quickbooks_desktop.MODULE,
    Connector.SAGE_INTACCT: sage_intacct.MODULE,
    Connector.SAGE_300_CRE: sage_300_cre.MODULE,
    Connector.ACUMATICA: acumatica.MODULE,
    Connector.CMIC: cmic.MODULE,
    Connector.VIEWPOINT_VISTA: viewpoint_vista.MODULE,
    Connector.YARDI: yardi.MODULE,
}
