"""Bearer tokens: signed JWTs naming a subject, a role and the one company they act for."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

ALGORITHM = "HS256"
CHECKED_TOKENS = 10_000
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
        self._checked: dict[str, tuple[Principal, float]] = {}  # token: (principal, exp)

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
        """The token's principal; a token seen before is not checked again until it expires.

        Checking the signature cost a fifth of a command's time over HTTP; a token is the
        same bytes on every request of a client, and what it says cannot change before `exp`.
        """
        now = time.time()
        known = self._checked.get(token)
        if known is not None and now < known[1]:
            return known[0]
        principal, expires = self._check(token)
        if len(self._checked) >= CHECKED_TOKENS:
            self._checked.clear()  # simple, bounded; the next requests check again
        self._checked[token] = (principal, expires)
        return principal

    def _check(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iss", "sub", "role", "company"]},
            )
            principal = Principal(claims["sub"], Role(claims["role"]), claims["company"])
            return principal, float(claims["exp"])
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise InvalidToken(str(error)) from None
