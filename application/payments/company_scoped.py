"""What every paysync command stands on: loading within one company, and hot-aggregate locks.

Commands build on it in payments.py (the lifecycle) and payment_record_commands.py (the export's
records); both are one eventsourcing Application, `Payments`.
"""

from __future__ import annotations

import contextlib
import copy
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, LRUCache, Repository
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Recording,
    StoredEvent,
)
from eventsourcing.utils import Environment, EnvType, get_topic, strtobool

from application.errors import NotFound, UnknownReference
from application.following import LocalSignal
from application.payments.conflicts import AggregateLocks
from application.payments.idempotency import ClaimedElsewhere, IdempotentRequest, pending_claim
from application.payments.preconditions import check_expected, spend_expected
from application.payments.queries import DisbursementSnapshot
from application.payments.snapshots import (
    SNAPSHOTTED,
    SNAPSHOTTED_FROM,
    CompanySnapshot,
    UncheckedRepository,
    mutate_each,
)
from application.payments.snapshots import TRANSCODINGS as SNAPSHOT_TRANSCODINGS
from application.payments.transcodings import register_domain_transcodings
from application.ports import ReadsHistoriesTogether
from application.request_context import current_request_id
from domain.company import Company
from domain.disbursement import Disbursement
from domain.funding_account import FundingAccount
from domain.invoice import Invoice

A = TypeVar("A", bound=Aggregate)
# The kinds a command loads many of at once (a disbursement's invoices), and how many of them
# a process keeps as last saved: about the invoices of the disbursements in flight.
LOADED_TOGETHER: tuple[type[Aggregate], ...] = (Invoice,)
KEPT_FOR_LOADING_TOGETHER = 5_000
assert not set(LOADED_TOGETHER) & set(SNAPSHOTTED), "a snapshotted kind is loaded with _get"


class CompanyScopedApplication(Application[UUID]):
    """An Application whose every read is scoped to one company."""

    snapshotting_intervals = SNAPSHOTTED
    snapshotting_projectors = dict.fromkeys(SNAPSHOTTED, mutate_each)

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        # Aggregates loaded together, as last saved or loaded here; never changed in place
        # (each load copies), so a load reads only the events after the version kept.
        self._kept: LRUCache[UUID, Aggregate] = LRUCache(maxsize=KEPT_FOR_LOADING_TOGETHER)
        self.hot = AggregateLocks()
        self.saved = LocalSignal()

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Only what paysync's settings say: the library would also read the process
        environment, where a stray PAYMENTS_POSTGRES_* variable could point the store
        elsewhere or switch on database functions (which drop tracking records in 9.5.6)."""
        return Environment(name, {"IS_SNAPSHOTTING_ENABLED": "y", **(env or {})})

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """The events' domain values (transcodings.py) and the snapshots' (snapshots.py):
        one transcoder, so a snapshot holds the same typed values the events do."""
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)
        for transcoding in SNAPSHOT_TRANSCODINGS:
            transcoder.register(transcoding)

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository, but replaying without a runtime Protocol check per event.

        Beside it, one that never looks for a snapshot: kinds that are never snapshotted
        (invoices, disbursements) are loaded through it, sparing each cold load a query.
        """
        self._unsnapshotted = self._repository_over(None)
        return self._repository_over(self.snapshots)

    def _repository_over(self, snapshots: Any) -> UncheckedRepository:
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return UncheckedRepository(
            event_store=self.events,
            snapshot_store=snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    def take_snapshot(
        self, aggregate_id: UUID, version: int | None = None, projector_func: Any = mutate_each
    ) -> None:
        """As the library does, with the company's own snapshot class (see snapshots.py)."""
        assert self.snapshots is not None
        aggregate: Aggregate = self.repository.get(aggregate_id, version=version)
        kind = CompanySnapshot if isinstance(aggregate, Company) else Aggregate.Snapshot
        self.snapshots.put([kind.take(aggregate)])

    def bad_snapshots(self) -> tuple[int, list[tuple[UUID, int]]]:
        """Every snapshot against a replay of its aggregate's events: (checked, the bad ones).

        Snapshots are outside the audit chain (they are derived, not recorded), so this is
        how an altered one shows: its state differs from what the chained events say. A bad
        one can be deleted; loads then replay the events.
        """
        assert self.snapshots is not None
        created = [get_topic(kind) for kind in SNAPSHOTTED_FROM]
        checked, bad = 0, []
        position = 0
        while page := self.recorder.select_notifications(position + 1, 500, topics=created):
            for notification in page:
                aggregate_id = UUID(str(notification.originator_id))
                checked_here, bad_here = self._check_snapshots_of(aggregate_id)
                checked += checked_here
                bad += [(aggregate_id, version) for version in bad_here]
            position = page[-1].id
        return checked, bad

    def _check_snapshots_of(self, aggregate_id: UUID) -> tuple[int, list[int]]:
        assert self.snapshots is not None
        snapshots = list(self.snapshots.get(aggregate_id))
        if not snapshots:
            return 0, []
        bad = []
        aggregate: Any = None
        events = iter(self.events.get(aggregate_id))
        for snapshot in snapshots:
            while aggregate is None or aggregate.version < snapshot.originator_version:
                event = next(events, None)
                if event is None:
                    break
                aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
            try:
                held = snapshot.mutate(None)  # type: ignore[attr-defined]
                same = aggregate is not None and vars(held) == vars(aggregate)
            except Exception:  # an altered row may not even decode into an aggregate
                same = False
            if not same:
                bad.append(snapshot.originator_version)
        return len(snapshots), bad

    def replayed(self, aggregate_id: UUID, version: int | None = None) -> Aggregate:
        """An aggregate from its events alone, never a snapshot: what an auditor reads."""
        aggregate = mutate_each(None, self.events.get(aggregate_id, lte=version))
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        assert isinstance(aggregate, Aggregate)
        return aggregate

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Saves; a request's idempotency claim goes in with its command's first save."""
        claim = pending_claim()
        if claim is None or claim.saved is not None:
            recordings = super().save(*objs, **kwargs)
            spend_expected()
            self._keep(objs)
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
        self._keep(objs)
        return recordings

    def save_batch(self, *objs: Any) -> list[Recording[UUID]]:
        """One save for several requests' commands (a group commit, see group_commit.py).

        Their idempotency claims are among `objs` already, and each requester spends its own
        If-Match expectation: the request this thread serves adds nothing of its own.
        """
        recordings = super().save(*objs)
        self._keep(objs)
        return recordings

    def _keep(self, saved: tuple[Any, ...]) -> None:
        """Keep a copy, as saved, of each saved aggregate that was loaded together and kept.

        Only those: the others' next load together reads their whole history once, and a
        command on one invoice (an approval) pays no copy for a load it may never see."""
        for aggregate in saved:
            if isinstance(aggregate, LOADED_TOGETHER) and aggregate.id in self._kept.cache:
                self._kept.put(aggregate.id, copy.deepcopy(aggregate))

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
        """The version an aggregate had at `moment`: that of its last event by then.

        A binary search over its versions (an aggregate's events are stamped in order), so a
        funding account with 100,000 events costs some 17 one-event reads, not a replay.
        """
        latest = list(self.events.get(aggregate_id, desc=True, limit=1))
        if not latest or self._stamped_at(aggregate_id, 1) > moment:
            raise NotFound(f"record {aggregate_id} did not exist at {moment.isoformat()}")
        low, high = 1, latest[0].originator_version
        while low < high:
            middle = (low + high + 1) // 2
            if self._stamped_at(aggregate_id, middle) <= moment:
                low = middle
            else:
                high = middle - 1
        return low

    def _stamped_at(self, aggregate_id: UUID, version: int) -> datetime:
        (event,) = self.events.get(aggregate_id, gt=version - 1, lte=version)
        assert isinstance(event, Aggregate.Event)
        return event.timestamp

    # --- loading, always within one company ---------------------------------------------------
    def _get(
        self,
        kind: type[A],
        company_id: str,
        aggregate_id: UUID,
        version: int | None = None,
        *,
        only_to_read: bool = False,
    ) -> A:
        """The aggregate, if it is the company's. `only_to_read`: the cached aggregate itself
        rather than a deep copy of it (a 100-payment disbursement's copy cost the export a
        fifth of its time), for a caller that changes nothing and looks up single fields;
        a fast-forward may move it on meanwhile, so what is read must be checked again
        where it is decided (ADR 0054)."""
        aggregate: object
        repository = self.repository if kind in SNAPSHOTTED else self._unsnapshotted
        try:
            aggregate = repository.get(
                aggregate_id, version=version, deepcopy_from_cache=not only_to_read
            )
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

    def _changing(
        self, company_id: str, disbursement_id: UUID, change: Callable[[Disbursement], object]
    ) -> DisbursementSnapshot:
        """Get the disbursement, let `change` decide on it, save it: one command's work."""
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        change(disbursement)
        self.save(disbursement)
        return DisbursementSnapshot.of(disbursement)

    def _changing_with_invoices(
        self,
        company_id: str,
        disbursement_id: UUID,
        change: Callable[[Disbursement, dict[UUID, Invoice]], object],
    ) -> DisbursementSnapshot:
        """Like _changing, for a change the invoices it pays take part in: all are saved."""
        disbursement = self._get(Disbursement, company_id, disbursement_id)
        invoices = self._invoices_of(disbursement)
        change(disbursement, invoices)
        self.save(disbursement, *invoices.values())
        return DisbursementSnapshot.of(disbursement)

    def _referenced(self, kind: type[A], company_id: str, aggregate_id: UUID) -> A:
        """Like _get, for an id named in a request body rather than in the path."""
        try:
            return self._get(kind, company_id, aggregate_id)
        except NotFound as error:
            raise UnknownReference(str(error)) from None

    def _invoices_of(self, disbursement: Disbursement) -> dict[UUID, Invoice]:
        ids = [payment.invoice_id for payment in disbursement.payments.values()]
        return self._loaded_together(Invoice, disbursement.company_id, ids)

    def _loaded_together(self, kind: type[A], company_id: str, ids: list[UUID]) -> dict[UUID, A]:
        """Like `_get` for each id, in one read of the store rather than one per aggregate.

        Each starts from the copy kept when it was last saved or loaded here, if any, and the
        read brings only the events after that version (none, most often): a funding's 100
        invoices were 400 events to decode. Only for kinds that are never snapshotted, whose
        histories stay short (an invoice is paid a few times at most)."""
        assert kind in LOADED_TOGETHER, f"{kind.__name__} is not loaded together: use _get"
        recorder = self.recorder
        assert isinstance(recorder, ReadsHistoriesTogether)
        kept: dict[UUID, Any] = {}
        for aggregate_id in ids:
            with contextlib.suppress(KeyError):  # none kept: all its events are read
                kept[aggregate_id] = self._kept.get(aggregate_id)
        newer: dict[UUID, list[Any]] = {aggregate_id: [] for aggregate_id in ids}
        after = {aggregate_id: kept[aggregate_id].version for aggregate_id in kept}
        for stored in recorder.select_events_of(list(newer), after=after):
            event = self.mapper.to_domain_event(stored)
            newer[event.originator_id].append(event)
        loaded: dict[UUID, A] = {}
        for aggregate_id, events in newer.items():
            start = kept.get(aggregate_id)
            aggregate = mutate_each(None if start is None else copy.deepcopy(start), events)
            if not isinstance(aggregate, kind) or getattr(aggregate, "company_id", None) != (
                company_id
            ):
                raise NotFound(f"no {_label(kind)} {aggregate_id} in company {company_id}")
            check_expected(aggregate.id, aggregate.version)
            if events:
                self._kept.put(aggregate_id, copy.deepcopy(aggregate))
            loaded[aggregate_id] = aggregate
        return loaded

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
