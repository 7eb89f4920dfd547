"""Bearer tokens: signed JWTs naming a subject, a role and the one company they act for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

ALGORITHM = "HS256"
ISSUER = "paysync"


class Role(StrEnum):
    PAYMENTS_ADMIN = "payments_admin"
    ACCOUNTING_APPROVER = "accounting_approver"
    AUDITOR = "auditor"
    SERVICE = "service"


@dataclass(frozen=True)
class Principal:
    """Who is calling: `subject` is recorded as the actor of every event they cause."""

    subject: str
    role: Role
    company_id: str


class InvalidToken(Exception):
    pass


class Tokens:
    def __init__(self, signing_key: str) -> None:
        self._key = signing_key

    def issue(
        self, subject: str, role: Role | str, company_id: str, ttl: timedelta = timedelta(days=30)
    ) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "sub": subject,
            "role": Role(role).value,
            "company": company_id,
            "iat": now,
            "exp": now + ttl,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def read(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iss", "sub", "role", "company"]},
            )
            return Principal(claims["sub"], Role(claims["role"]), claims["company"])
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise InvalidToken(str(error)) from None
