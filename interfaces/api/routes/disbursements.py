"""Disbursements: drafted, authorized, funded; readable as they were at any version or time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query
from pydantic import Field

from application.payments.queries import DisbursementSnapshot
from domain.disbursement import MAX_PAYMENTS
from interfaces.api.deps import Admin, FundingNotifier, PaymentsDep, Reader
from interfaces.api.fields import (
    CompanyId,
    Moment,
    Money,
    Name,
    PastMoment,
    Reason,
    StrictBody,
    Version,
)
from interfaces.api.routes import reports
from interfaces.api.versions import versioned_router

router = versioned_router("/v1/companies/{company_id}/disbursements", "disbursements")


class PaymentIn(StrictBody):
    invoice_id: UUID
    amount: Money


class DisbursementIn(StrictBody):
    name: Name
    funding_account_id: UUID
    # The domain refuses 0 or more than 100 with a rule; the bound here only stops a huge
    # body before it is parsed further.
    payments: list[PaymentIn] = Field(max_length=MAX_PAYMENTS * 10)


class ReasonIn(StrictBody):
    reason: Reason


class Funded(StrictBody):
    funded_at: PastMoment


@router.post("", status_code=201, response_model=DisbursementSnapshot)
def draft(
    company_id: CompanyId, body: DisbursementIn, caller: Admin, payments: PaymentsDep
) -> DisbursementSnapshot:
    disbursement_id = payments.draft_disbursement(
        company_id,
        name=body.name,
        funding_account_id=body.funding_account_id,
        payments=[(p.invoice_id, p.amount) for p in body.payments],
        actor=caller.subject,
    )
    return payments.disbursement(company_id, disbursement_id)


@dataclass(frozen=True)
class OneDisbursement:
    """The disbursement the path names (`company_id`, `disbursement_id`)."""

    company_id: CompanyId
    disbursement_id: UUID

    @property
    def ids(self) -> tuple[str, UUID]:
        return self.company_id, self.disbursement_id


DisbursementPath = Annotated[OneDisbursement, Depends()]


# The same list as the disbursements report, where a client of this resource looks for it.
router.add_api_route(
    "",
    reports.disbursements,
    methods=["GET"],
    response_model=reports.DisbursementRowsBody,
    name="list_disbursements",
    description="The company's disbursements in the order they were drafted, by `status`,\n"
    "`funding_account_id`, and `from`/`to` (the UTC days their funding completed); each item\n"
    "sums one disbursement, whose payments `GET .../disbursements/{id}` shows.",
)


@router.get("/{disbursement_id}", response_model=DisbursementSnapshot)
def read(
    at: DisbursementPath,
    caller: Reader,
    payments: PaymentsDep,
    version: Version = None,
    as_of: Annotated[Moment | None, Query()] = None,
) -> DisbursementSnapshot:
    """The disbursement now, or as it was at `version`, or at the moment `as_of`."""
    return payments.disbursement(*at.ids, version=version, as_of=as_of)


@router.post("/{disbursement_id}/payments", status_code=201, response_model=DisbursementSnapshot)
def add_payment(
    at: DisbursementPath, body: PaymentIn, caller: Admin, payments: PaymentsDep
) -> DisbursementSnapshot:
    """Pay one more invoice from a draft."""
    return payments.add_payment(
        *at.ids, invoice_id=body.invoice_id, amount=body.amount, actor=caller.subject
    )


@router.post("/{disbursement_id}/authorize", response_model=DisbursementSnapshot)
def authorize(at: DisbursementPath, caller: Admin, payments: PaymentsDep) -> DisbursementSnapshot:
    return payments.authorize(*at.ids, caller.subject)


@router.post("/{disbursement_id}/cancel", response_model=DisbursementSnapshot)
def cancel(
    at: DisbursementPath, body: ReasonIn, caller: Admin, payments: PaymentsDep
) -> DisbursementSnapshot:
    return payments.cancel(*at.ids, body.reason, caller.subject)


@router.post("/{disbursement_id}/funding-complete", response_model=DisbursementSnapshot)
def funding_complete(
    at: DisbursementPath, body: Funded, caller: FundingNotifier, payments: PaymentsDep
) -> DisbursementSnapshot:
    return payments.complete_funding(*at.ids, body.funded_at, caller.subject)


@router.post("/{disbursement_id}/funding-failed", response_model=DisbursementSnapshot)
def funding_failed(
    at: DisbursementPath, body: ReasonIn, caller: FundingNotifier, payments: PaymentsDep
) -> DisbursementSnapshot:
    return payments.fail_funding(*at.ids, body.reason, caller.subject)
