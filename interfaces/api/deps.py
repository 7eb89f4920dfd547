"""Typed dependencies: the running paysync, and who is calling with which role.

All of them are `async def`: they do no I/O, and FastAPI runs a plain `def` dependency on a
worker thread, one thread hop per dependency per request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from application.audit.audit import Audit
from application.errors import NotFound
from application.export.invoice_sync import InvoiceSync
from application.payments.payments import Payments
from infrastructure.tokens import InvalidToken, Principal, Role
from interfaces.bootstrap import Paysync
from interfaces.read_models import ReadModels

bearer = HTTPBearer(auto_error=False, description="a token from `paysync token`")


async def get_paysync(request: Request) -> Paysync:
    paysync: Paysync = request.app.state.paysync
    return paysync


PaysyncDep = Annotated[Paysync, Depends(get_paysync)]


async def get_payments(paysync: PaysyncDep) -> Payments:
    return paysync.payments


PaymentsDep = Annotated[Payments, Depends(get_payments)]


async def caller(
    company_id: str,
    paysync: PaysyncDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, who must hold a valid token for the company in the path.

    A token of another company gets 404, as if the company's records did not exist, so no
    caller can learn what another company has.
    """
    if credentials is None:
        raise HTTPException(401, "a bearer token is required", {"WWW-Authenticate": "Bearer"})
    try:
        principal = paysync.tokens.read(credentials.credentials)
    except InvalidToken as error:
        raise HTTPException(
            401, f"the bearer token is not valid: {error}", {"WWW-Authenticate": "Bearer"}
        ) from None
    if principal.company_id != company_id:
        raise NotFound(f"no company {company_id}")
    return principal


def allow(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(principal: Annotated[Principal, Depends(caller)]) -> Principal:
        if principal.role not in roles:
            allowed = ", ".join(role.value for role in roles)
            raise HTTPException(
                403, f"the {principal.role.value} role may not do this; it needs: {allowed}"
            )
        return principal

    return check


# Who may do what. Auditors read everything and change nothing.
Reader = Annotated[Principal, Depends(allow(*Role))]
Admin = Annotated[Principal, Depends(allow(Role.PAYMENTS_ADMIN))]
Approver = Annotated[Principal, Depends(allow(Role.ACCOUNTING_APPROVER))]
AdminOrApprover = Annotated[
    Principal, Depends(allow(Role.PAYMENTS_ADMIN, Role.ACCOUNTING_APPROVER))
]
InvoiceIntake = Annotated[Principal, Depends(allow(Role.PAYMENTS_ADMIN, Role.SERVICE))]
FundingNotifier = Annotated[Principal, Depends(allow(Role.SERVICE, Role.PAYMENTS_ADMIN))]


async def get_invoice_sync(paysync: PaysyncDep) -> InvoiceSync:
    return paysync.invoice_sync


InvoiceSyncDep = Annotated[InvoiceSync, Depends(get_invoice_sync)]


async def get_audit(paysync: PaysyncDep) -> Audit:
    return paysync.audit


AuditDep = Annotated[Audit, Depends(get_audit)]


async def get_read_models(paysync: PaysyncDep) -> ReadModels:
    return paysync.read_models


ReadModelsDep = Annotated[ReadModels, Depends(get_read_models)]
