"""The auditor's questions: who did what and when, how a record looked, is the history intact.

The same concept is served over HTTP by interfaces/api/routes/audit.py.

Nothing here changes the history (verify only extends the hash chain over it), and every
question is asked within one company: an aggregate belongs to the company named by its first
(created) event, since later events do not repeat it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, DomainEventProtocol

from application.audit.audit_chain import originator_of
from application.audit.audit_records import AuditEvent, AuditRecord, ExportLine, type_name
from application.audit.audit_verification import Anchor, ChainVerifier, Verification
from application.errors import NotFound
from application.following import Follower
from application.payments.payments import Payments

EXPORT_PAGE = 500
OWNERS_CACHED = 10_000  # bounds the export's memory however many records the log holds


class Audit:
    """The auditor's service over the Payments log, with the follower that keeps the chain."""

    def __init__(self, payments: Payments, chain: Follower, verifier: ChainVerifier) -> None:
        self.payments = payments
        self.chain = chain
        self.verifier = verifier

    def events(self, company_id: str, aggregate_id: UUID) -> list[AuditEvent]:
        """Every event of one record, oldest first."""
        events = list(self.payments.events.get(aggregate_id))
        if not events or _company_of(events[0]) != company_id:
            raise NotFound(f"no record {aggregate_id} in company {company_id}")
        return [AuditEvent.of(event) for event in events]

    def record(
        self,
        company_id: str,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> AuditRecord:
        """Any record of the company as it is now, or was at a version or a moment."""
        self._owner(aggregate_id, company_id)
        if as_of is not None:
            version = self.payments.version_at(aggregate_id, as_of)
        try:
            aggregate: Aggregate = self.payments.replayed(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise NotFound(f"no record {aggregate_id} in company {company_id}") from None
        if version is not None and aggregate.version < version:
            raise NotFound(
                f"record {aggregate_id} has no version {version}: its last is {aggregate.version}"
            )
        return AuditRecord.of(aggregate)

    def export(self, company_id: str | None) -> Iterator[ExportLine]:
        """The whole history in log order, read a page at a time (all companies: None)."""
        owners: OrderedDict[UUID, tuple[str | None, str]] = OrderedDict()
        start, sequence = 1, 0
        while page := self.payments.recorder.select_notifications(start, EXPORT_PAGE):
            for notification in page:
                event = self.payments.mapper.to_domain_event(notification)
                owner, aggregate_type = self._cached_owner(owners, event)
                if company_id is None or owner == company_id:
                    # A company's lines count its own history; the shared log's ids would
                    # tell it how busy the others are.
                    sequence = notification.id if company_id is None else sequence + 1
                    yield ExportLine.of(sequence, aggregate_type, event)
            start = page[-1].id + 1

    def verify(self, anchor: Anchor | None = None) -> Verification:
        """Chain whatever is not chained yet, then check every stored event against the chain."""
        self.chain.catch_up()
        verification = self.verifier.verify(anchor)
        checked, bad = self.payments.bad_snapshots()
        return replace(verification, snapshots_checked=checked, bad_snapshots=len(bad))

    def verify_company(self, company_id: str, anchor: Anchor | None = None) -> Verification:
        """The company's own events checked against the chain; nothing about any other."""
        self.chain.catch_up()
        owners: dict[str, str | None] = {}

        def owned(item: Any) -> bool:
            identity = str(item.originator_id)
            if identity not in owners:
                originator = originator_of(identity)
                created = (
                    list(self.payments.events.get(originator, lte=1))
                    if isinstance(originator, UUID)
                    else []
                )
                owners[identity] = _company_of(created[0]) if created else None
            # A record gone whole cannot be told apart from this company's: its link counts
            # here, so deleting it shows (docs/adr/0037).
            return owners[identity] in (company_id, None)

        return self.verifier.verify_company(owned, anchor)

    def _owner(self, aggregate_id: UUID, company_id: str) -> None:
        created = list(self.payments.events.get(aggregate_id, lte=1))
        if not created or _company_of(created[0]) != company_id:
            raise NotFound(f"no record {aggregate_id} in company {company_id}")

    def _cached_owner(
        self, owners: OrderedDict[UUID, tuple[str | None, str]], event: Any
    ) -> tuple[str | None, str]:
        aggregate_id = event.originator_id
        if aggregate_id in owners:
            owners.move_to_end(aggregate_id)
            return owners[aggregate_id]
        created = (
            event
            if event.originator_version == 1
            else next(iter(self.payments.events.get(aggregate_id, lte=1)), None)
        )
        topic = getattr(created, "originator_topic", None)
        owner = (_company_of(created), type_name(topic) if topic else "")
        owners[aggregate_id] = owner
        if len(owners) > OWNERS_CACHED:
            owners.popitem(last=False)
        return owner


def _company_of(created: DomainEventProtocol[UUID] | None) -> str | None:
    company_id = getattr(created, "company_id", None)
    return company_id if isinstance(company_id, str) else None
