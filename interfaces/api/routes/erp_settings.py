"""The company's ERP integration settings."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from application.queries import ErpSettingsView
from infrastructure.erp_addresses import ErpAddresses
from interfaces.api.deps import Approver, PaymentsDep, PaysyncDep, Reader
from interfaces.api.fields import CompanyId, Identifier, Url

router = APIRouter(prefix="/v1/companies/{company_id}/erp-settings", tags=["erp settings"])


class ErpSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    connector: Identifier
    payment_record_sync_enabled: bool = Field(strict=True)
    override_subcontractor_invoice_number: bool = Field(default=False, strict=True)
    erp_base_url: Url | None = None


class ErpSettingsOut(BaseModel):
    company_id: CompanyId
    connector: str
    payment_record_sync_enabled: bool
    override_subcontractor_invoice_number: bool
    erp_base_url: str | None
    version: int

    @classmethod
    def of(cls, view: ErpSettingsView) -> ErpSettingsOut:
        return cls.model_validate(view, from_attributes=True)


@router.put("", response_model=ErpSettingsOut)
def configure(
    company_id: CompanyId, body: ErpSettingsIn, caller: Approver, paysync: PaysyncDep
) -> ErpSettingsOut:
    """The ERP address must name a host the operator allowed (422 otherwise)."""
    fields = body.model_dump()
    if body.erp_base_url is not None and body.erp_base_url.strip():
        fields["erp_base_url"] = ErpAddresses.of(paysync.settings).check(body.erp_base_url.strip())
    view = paysync.payments.configure_erp(company_id, **fields, actor=caller.subject)
    return ErpSettingsOut.of(view)


@router.get("", response_model=ErpSettingsOut)
def read(company_id: CompanyId, caller: Reader, payments: PaymentsDep) -> ErpSettingsOut:
    return ErpSettingsOut.of(payments.erp_settings(company_id))
