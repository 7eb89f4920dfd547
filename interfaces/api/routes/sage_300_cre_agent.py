"""paysync's Sage 300 CRE agent, on the contractor's server, polls these two paths.

It logs in with HTTP Basic (the company connection's agent login), not a bearer token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel

from interfaces.api.deps import PaysyncDep

router = APIRouter(prefix="/v1/companies/{company_id}/sage-300-cre/agent", tags=["sage 300 cre"])
basic = HTTPBasic()
Login = Annotated[HTTPBasicCredentials, Depends(basic)]


class Answers(BaseModel):
    answers: list[dict[str, Any]]


@router.post("/poll")
def poll(company_id: str, login: Login, paysync: PaysyncDep) -> dict[str, Any]:
    try:
        requests = paysync.sage_300_agent.poll(company_id, login.username, login.password)
    except PermissionError as error:
        raise HTTPException(401, str(error), {"WWW-Authenticate": "Basic"}) from None
    return {"requests": requests}


@router.post("/answers")
def answers(company_id: str, body: Answers, login: Login, paysync: PaysyncDep) -> dict[str, int]:
    try:
        recorded = paysync.sage_300_agent.answer(
            company_id, login.username, login.password, body.answers
        )
    except PermissionError as error:
        raise HTTPException(401, str(error), {"WWW-Authenticate": "Basic"}) from None
    return {"recorded": recorded}
