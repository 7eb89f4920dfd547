"""The company's ERP integration settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from application.payments.queries import ErpSettingsSnapshot
from interfaces.api.deps import Approver, PaymentsDep, PaysyncDep, Reader
from interfaces.api.fields import CompanyId, Identifier, StrictBody, Url

router = APIRouter(prefix="/v1/companies/{company_id}/erp-settings", tags=["erp settings"])


class ErpSettingsIn(StrictBody):
    connector: Identifier
    payment_record_sync_enabled: bool = Field(strict=True)
    override_subcontractor_invoice_number: bool = Field(default=False, strict=True)
    erp_base_url: Url | None = None
    # The connector's own settings; see GET /sandbox/dialects for working examples.
    connection: dict[str, Any] | None = None


@router.put("", response_model=ErpSettingsSnapshot)
def configure(
    company_id: CompanyId, body: ErpSettingsIn, caller: Approver, paysync: PaysyncDep
) -> ErpSettingsSnapshot:
    # A company may pick its ERP before it has the connection, as long as nothing syncs yet.
    connection: dict[str, str] = {}
    if body.payment_record_sync_enabled or body.connection or body.erp_base_url:
        connection = paysync.connectors.checked_connection(
            body.connector, body.connection, body.erp_base_url
        )
    return paysync.payments.configure_erp(
        company_id,
        **body.model_dump(exclude={"connection"}),
        connection=connection,
        actor=caller.subject,
    )


@router.get("", response_model=ErpSettingsSnapshot)
def read(company_id: CompanyId, caller: Reader, payments: PaymentsDep) -> ErpSettingsSnapshot:
    return payments.erp_settings(company_id)
