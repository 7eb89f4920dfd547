"""QuickBooks Online as a dialect (its routes live in the quickbooks_online package).

The same ERP as paysync's connector speaks to it: infrastructure/erp/quickbooks_online.py.
"""

from __future__ import annotations

from infrastructure.erp_sandbox.dialect import Dialect
from infrastructure.erp_sandbox.quickbooks_online.routes import (
    PATH_PREFIX,
    quickbooks_online_router,
)

CONNECTION_FIELDS = {
    "realm_id": "paysync",
    "access_token_ref": "sandbox",
    "expense_account_id": "1",
}


DIALECT = Dialect("quickbooks_online", PATH_PREFIX, quickbooks_online_router, CONNECTION_FIELDS)
