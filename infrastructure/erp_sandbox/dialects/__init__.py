"""Every ERP the sandbox speaks: one dialect module each, one line here."""

from __future__ import annotations

from infrastructure.erp_sandbox.dialect import Dialect
from infrastructure.erp_sandbox.dialects import (
    acumatica,
    cmic,
    quickbooks_desktop,
    quickbooks_online,
    sage_300_cre,
    sage_intacct,
    viewpoint_vista,
    yardi,
)

DIALECTS: tuple[Dialect, ...] = (
    quickbooks_online.DIALECT,
    quickbooks_desktop.DIALECT,
    sage_intacct.DIALECT,
    sage_300_cre.DIALECT,
    acumatica.DIALECT,
    cmic.DIALECT,
    viewpoint_vista.DIALECT,
    yardi.DIALECT,
)
