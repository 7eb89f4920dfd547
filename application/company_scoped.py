"""What every paysync command stands on: loading within one company, and hot-aggregate locks.

Commands build on it in payments.py (the lifecycle) and payment_records.py (the export's
records); both are one eventsourcing Application, `Payments`.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Mapper, Recording, StoredEvent
from eventsourcing.utils import Environment, EnvType

from application.conflicts import AggregateLocks
from application.errors import NotFound, UnknownReference
from application.following import LocalSignal
from application.idempotency import ClaimedElsewhere, IdempotentRequest, pending_claim
from application.preconditions import check_expected, spend_expected
from application.request_context import current_request_id
from domain.company import Company
from domain.disbursement import Disbursement
from domain.funding_account import FundingAccount
from domain.invoice import Invoice

A = TypeVar("A", bound=Aggregate)


class CompanyScopedApplication(Application[UUID]):
    """An Application whose every read is scoped to one company."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.hot = AggregateLocks()
        self.saved = LocalSignal()

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Only what paysync's settings say: the library would also read the process
        environment, where a stray PAYMENTS_POSTGRES_* variable could point the store
        elsewhere or switch on database functions (which drop tracking records in 9.5.6)."""
        return Environment(name, dict(env or {}))

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Saves; a request's idempotency claim goes in with its command's first save."""
        claim = pending_claim()
        if claim is None or claim.saved is not None:
            recordings = super().save(*objs, **kwargs)
            spend_expected()
            return recordings
        request = claim.fresh()
        try:
            recordings = super().save(*objs, request, **kwargs)
        except IntegrityError:
            taken = self.idempotent_request(claim.company_id, claim.key)
            if (
                taken is not None
                and taken.claimed_at != request.claimed_at
                and taken.live(time.time())
            ):
                raise ClaimedElsewhere(claim.key) from None
            raise
        claim.saved = request
        spend_expected()
        return recordings

    def idempotent_request(self, company_id: str, key: str) -> IdempotentRequest | None:
        try:
            found: object = self.repository.get(IdempotentRequest.id_for(company_id, key))
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, IdempotentRequest) else None

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        return RequestStampingMapper(mapper.transcoder, mapper.compressor, mapper.cipher)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        """Wake this process's followers: the export starts the moment funding completes."""
        self.saved.notify()

    def version_at(self, aggregate_id: UUID, moment: datetime) -> int:
        """The version an aggregate had at `moment`: that of its last event by then."""
        version = None
        for event in self.events.get(aggregate_id):
            assert isinstance(event, Aggregate.Event)
            if event.timestamp > moment:
                break
            version = event.originator_version
        if version is None:
            raise NotFound(f"record {aggregate_id} did not exist at {moment.isoformat()}")
        return version

    # --- loading, always within one company ---------------------------------------------------
    def _get(
        self, kind: type[A], company_id: str, aggregate_id: UUID, version: int | None = None
    ) -> A:
        aggregate: object
        try:
            aggregate = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind) or getattr(aggregate, "company_id", None) != company_id:
            raise NotFound(f"no {_label(kind)} {aggregate_id} in company {company_id}")
        if version is None:
            check_expected(aggregate.id, aggregate.version)
        if version is not None and aggregate.version < version:
            # The library answers the newest state for a version past the last: not ours.
            raise NotFound(
                f"{_label(kind)} {aggregate_id} has no version {version}: its last is"
                f" {aggregate.version}"
            )
        return aggregate

    def _referenced(self, kind: type[A], company_id: str, aggregate_id: UUID) -> A:
        """Like _get, for an id named in a request body rather than in the path."""
        try:
            return self._get(kind, company_id, aggregate_id)
        except NotFound as error:
            raise UnknownReference(str(error)) from None

    def _invoices_of(self, disbursement: Disbursement) -> dict[UUID, Invoice]:
        return {
            p.invoice_id: self._get(Invoice, disbursement.company_id, p.invoice_id)
            for p in disbursement.payments.values()
        }

    def _company(self, company_id: str, actor: str) -> Company:
        """The company's aggregate; a company's first command enrolls it."""
        company: object
        try:
            company = self.repository.get(Company.id_for(company_id))
        except AggregateNotFoundError:
            return Company.enroll(company_id, actor)
        assert isinstance(company, Company)
        return company

    def _existing_company(self, company_id: str) -> Company:
        """For reading only: a company never enrolled reads as one with no settings."""
        return self._company(company_id, actor="paysync")


def _label(kind: type[Aggregate]) -> str:
    return {
        FundingAccount: "funding account",
        Invoice: "invoice",
        Disbursement: "disbursement",
    }.get(kind, kind.__name__.lower())


class RequestStampingMapper(Mapper[UUID]):
    """The library's mapper, adding the current request id to each event's stored state.

    Events recorded outside a request (the export worker, the demo) carry none."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        request_id = current_request_id.get()
        if request_id is not None and "request_id" not in vars(domain_event):
            object.__setattr__(domain_event, "request_id", request_id)
        return super().to_stored_event(domain_event)
