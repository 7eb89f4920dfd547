"""What every paysync command stands on: loading within one company, and hot-aggregate locks.

Commands build on it in payments.py (the lifecycle) and payment_records.py (the export's
records); both are one eventsourcing Application, `Payments`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Recording
from eventsourcing.utils import Environment, EnvType

from application.conflicts import AggregateLocks
from application.errors import NotFound, UnknownReference
from application.following import LocalSignal
from application.queries import DisbursementSnapshot
from application.transcodings import register_domain_transcodings
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

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Only what paysync's settings say: the library would also read the process
        environment, where a stray PAYMENTS_POSTGRES_* variable could point the store
        elsewhere or switch on database functions (which drop tracking records in 9.5.6)."""
        return Environment(name, dict(env or {}))

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
        return aggregate

    def _changing(
        self, company_id: str, disbursement_id: UUID, change: Callable[[Disbursement], object]
    ) -> DisbursementSnapshot:
        """Get the disbursement, let `change` decide on it, save it: one command's work."""
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        change(disbursement)
        self.save(disbursement)
        return DisbursementSnapshot.of(disbursement)

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
