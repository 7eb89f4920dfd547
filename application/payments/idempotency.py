"""Requests that take effect once: a retried POST with the same Idempotency-Key gets the first
answer, never a second effect.

One `IdempotentRequest` aggregate per (company, key), its id a uuid5 of both. The claim is
saved in the very `save()` of the command's own aggregates, so the key is taken if and only if
the command's effects are stored: a crash cannot leave one without the other, and of two
racing requests with one key only one save succeeds (the other's claim collides on version).
The answer follows in a second save; should the process die between the two, a retry finds
the claim without an answer and is told the request took effect. See docs/adr/0033.

The same concept at the HTTP layer: interfaces/api/idempotency.py.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

REPLAY_SECONDS = 24 * 3600


class IdempotentRequest(Aggregate):
    """What one company's request with one key asked for, and what it was answered."""

    class Claimed(Aggregate.Event):
        company_id: str
        key: str
        fingerprint: str
        claimed_at: float

        def apply(self, request: IdempotentRequest) -> None:
            request.fingerprint = self.fingerprint
            request.claimed_at = self.claimed_at
            request.answer = None

    class Answered(Aggregate.Event):
        status: int
        body: str
        media_type: str

        def apply(self, request: IdempotentRequest) -> None:
            request.answer = Answer(self.status, self.body, self.media_type)

    class Created(Aggregate.Created):
        company_id: str
        actor: str

    @staticmethod
    def id_for(company_id: str, key: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"paysync:idempotency-key:{company_id}:{key}")

    def __init__(self, company_id: str, actor: str) -> None:
        self.company_id = company_id
        self.fingerprint = ""
        self.claimed_at = 0.0
        self.answer: Answer | None = None

    @classmethod
    def open(cls, company_id: str, key: str) -> IdempotentRequest:
        return cls._create(
            cls.Created, id=cls.id_for(company_id, key), company_id=company_id, actor="paysync"
        )

    def claim(self, company_id: str, key: str, fingerprint: str, now: float) -> None:
        self.trigger_event(
            self.Claimed, company_id=company_id, key=key, fingerprint=fingerprint, claimed_at=now
        )

    def answered(self, status: int, body: str, media_type: str) -> None:
        self.trigger_event(self.Answered, status=status, body=body, media_type=media_type)

    def live(self, now: float) -> bool:
        """Whether the claim still holds: answers are replayed for 24 hours."""
        return bool(self.fingerprint) and now - self.claimed_at < REPLAY_SECONDS


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    media_type: str


class ClaimedElsewhere(Exception):
    """Another request with the same key took effect first; this one changed nothing."""


@dataclass
class PendingClaim:
    """A claim waiting for the command's first save; `saved` once it went in with it."""

    company_id: str
    key: str
    fingerprint: str
    load: Callable[[], IdempotentRequest | None]
    saved: IdempotentRequest | None = None
    claimed_at: float = field(default_factory=time.time)

    def fresh(self) -> IdempotentRequest:
        """The aggregate with the claim, built anew for each try of a save."""
        request = self.load()
        if request is not None and request.live(self.claimed_at):
            raise ClaimedElsewhere(self.key)  # taken since this request first looked
        if request is None:
            request = IdempotentRequest.open(self.company_id, self.key)
        request.claim(self.company_id, self.key, self.fingerprint, self.claimed_at)
        return request


_pending: contextvars.ContextVar[PendingClaim | None] = contextvars.ContextVar(
    "paysync_pending_claim", default=None
)


def pending_claim() -> PendingClaim | None:
    return _pending.get()


@contextmanager
def claiming(claim: PendingClaim) -> Iterator[PendingClaim]:
    """Within this block, the command's first save carries the claim."""
    token = _pending.set(claim)
    try:
        yield claim
    finally:
        _pending.reset(token)
