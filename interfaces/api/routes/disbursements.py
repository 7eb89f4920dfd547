"""Disbursements: drafted, authorized, funded; readable as they were at any version or time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from application.queries import DisbursementView, PaymentView
from domain.disbursement import MAX_PAYMENTS
from interfaces.api.deps import Admin, FundingNotifier, PaymentsDep, Reader, ReadModelsDep
from interfaces.api.fields import Money, MoneyOut
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.routes.reports import DisbursementRowOut, DisbursementRowsOut, Filters

router = APIRouter(prefix="/v1/companies/{company_id}/disbursements", tags=["disbursements"])


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invoice_id: UUID
    amount: Money


class DisbursementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    funding_account_id: UUID
    # The domain refuses 0 or more than 100 with a rule; the bound here only stops a huge
    # body before it is parsed further.
    payments: list[PaymentIn] = Field(max_length=MAX_PAYMENTS * 10)


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str


class Funded(BaseModel):
    model_config = ConfigDict(extra="forbid")

    funded_at: AwareDatetime


class ExportFailureOut(BaseModel):
    reason: str
    message: str
    erp_code: str | None


class ExportRetryOut(BaseModel):
    tries: int = Field(description="calls to the ERP so far for this attempt")
    message: str = Field(description="the last error")
    erp_code: str | None
    next_try_at: datetime


class PaymentOut(BaseModel):
    id: UUID
    invoice_id: UUID
    invoice_number: str
    vendor_name: str
    amount: MoneyOut
    check_number: int | None
    bank_id: str | None
    payout_status: str
    export_status: str
    export_attempt: int
    erp_payment_ref: str | None
    export_failure: ExportFailureOut | None
    export_retry: ExportRetryOut | None = Field(
        description="while pending after an unreachable ERP: the export is trying again"
    )
    marked_by_hand: bool = Field(description="exported by a person in the ERP, not by paysync")
    exported_at: datetime | None

    @classmethod
    def of(cls, view: PaymentView) -> PaymentOut:
        failure = view.export_failure
        return cls.model_validate(
            {
                **view.__dict__,
                "export_failure": None
                if failure is None
                else {
                    "reason": failure.reason.value,
                    "message": failure.message,
                    "erp_code": failure.erp_code,
                },
                "export_retry": None if view.export_retry is None else view.export_retry.__dict__,
            }
        )


class DisbursementOut(BaseModel):
    id: UUID
    name: str
    funding_account_id: UUID
    status: str
    drafted_by: str
    authorized_by: str | None
    cancel_reason: str | None
    funded_at: datetime | None
    funding_failure_reason: str | None
    payments: list[PaymentOut]
    version: int
    modified_at: datetime

    @classmethod
    def of(cls, view: DisbursementView) -> DisbursementOut:
        return cls.model_validate(
            {
                **view.__dict__,
                "payments": [PaymentOut.of(p) for p in view.payments],
                "modified_at": view.modified_on,
            }
        )


@router.post("", status_code=201, response_model=DisbursementOut)
def draft(
    company_id: str, body: DisbursementIn, caller: Admin, payments: PaymentsDep
) -> DisbursementOut:
    disbursement_id = payments.draft_disbursement(
        company_id,
        name=body.name,
        funding_account_id=body.funding_account_id,
        payments=[(p.invoice_id, p.amount) for p in body.payments],
        actor=caller.subject,
    )
    return DisbursementOut.of(payments.disbursement(company_id, disbursement_id))


@router.get("", response_model=DisbursementRowsOut)
def list_disbursements(
    company_id: str,
    caller: Reader,
    read_models: ReadModelsDep,
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> DisbursementRowsOut:
    """The company's disbursements in the order they were drafted, by `status`,
    `funding_account_id`, and `from`/`to` (the UTC days their funding completed); each item
    sums one disbursement, whose payments `GET .../disbursements/{id}` shows."""
    page = read_models.payments_overview.disbursements(company_id, filters, cursor, limit)
    return DisbursementRowsOut(
        items=[DisbursementRowOut.of(row) for row in page.items], next_cursor=page.next_cursor
    )


@router.get("/{disbursement_id}", response_model=DisbursementOut)
def read(
    company_id: str,
    disbursement_id: UUID,
    caller: Reader,
    payments: PaymentsDep,
    version: Annotated[int | None, Query(ge=1)] = None,
    as_of: Annotated[AwareDatetime | None, Query()] = None,
) -> DisbursementOut:
    """The disbursement now, or as it was at `version`, or at the moment `as_of`."""
    view = payments.disbursement(company_id, disbursement_id, version=version, as_of=as_of)
    return DisbursementOut.of(view)


@router.post("/{disbursement_id}/payments", status_code=201, response_model=DisbursementOut)
def add_payment(
    company_id: str, disbursement_id: UUID, body: PaymentIn, caller: Admin, payments: PaymentsDep
) -> DisbursementOut:
    """Pay one more invoice from a draft."""
    view = payments.add_payment(
        company_id,
        disbursement_id,
        invoice_id=body.invoice_id,
        amount=body.amount,
        actor=caller.subject,
    )
    return DisbursementOut.of(view)


@router.post("/{disbursement_id}/authorize", response_model=DisbursementOut)
def authorize(
    company_id: str, disbursement_id: UUID, caller: Admin, payments: PaymentsDep
) -> DisbursementOut:
    return DisbursementOut.of(payments.authorize(company_id, disbursement_id, caller.subject))


@router.post("/{disbursement_id}/cancel", response_model=DisbursementOut)
def cancel(
    company_id: str, disbursement_id: UUID, body: Reason, caller: Admin, payments: PaymentsDep
) -> DisbursementOut:
    view = payments.cancel(company_id, disbursement_id, body.reason, caller.subject)
    return DisbursementOut.of(view)


@router.post("/{disbursement_id}/funding-complete", response_model=DisbursementOut)
def funding_complete(
    company_id: str,
    disbursement_id: UUID,
    body: Funded,
    caller: FundingNotifier,
    payments: PaymentsDep,
) -> DisbursementOut:
    view = payments.complete_funding(company_id, disbursement_id, body.funded_at, caller.subject)
    return DisbursementOut.of(view)


@router.post("/{disbursement_id}/funding-failed", response_model=DisbursementOut)
def funding_failed(
    company_id: str,
    disbursement_id: UUID,
    body: Reason,
    caller: FundingNotifier,
    payments: PaymentsDep,
) -> DisbursementOut:
    view = payments.fail_funding(company_id, disbursement_id, body.reason, caller.subject)
    return DisbursementOut.of(view)
