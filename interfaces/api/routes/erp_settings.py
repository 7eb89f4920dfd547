"""The company's ERP integration settings."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from application.queries import ErpSettingsSnapshot
from interfaces.api.deps import Approver, PaymentsDep, Reader

router = APIRouter(prefix="/v1/companies/{company_id}/erp-settings", tags=["erp settings"])


class ErpSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    connector: str
    payment_record_sync_enabled: bool
    override_subcontractor_invoice_number: bool = False
    erp_base_url: str | None = None


@router.put("", response_model=ErpSettingsSnapshot)
def configure(
    company_id: str, body: ErpSettingsIn, caller: Approver, payments: PaymentsDep
) -> ErpSettingsSnapshot:
    return payments.configure_erp(company_id, **body.model_dump(), actor=caller.subject)


@router.get("", response_model=ErpSettingsSnapshot)
def read(company_id: str, caller: Reader, payments: PaymentsDep) -> ErpSettingsSnapshot:
    return payments.erp_settings(company_id)
