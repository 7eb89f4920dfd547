"""Snapshots of the aggregates whose histories grow without end, and a replay without checks.

A funding account issues a check number per payment for as long as the company pays from it,
so its history has no end; replaying 100,000 events on every cold load took seconds. The
library's own snapshotting keeps its state every `SNAPSHOT_EVERY` events (in a snapshots
table beside the events); a load, including a `version=` read, starts from the nearest
snapshot at or below the version asked for and replays only the events after it.

Snapshots are derived data, written after the events they summarise and never instead of
them: the events stay the record, and an audit replays them (see `replayed` in
company_scoped.py and the snapshot check in application/audit/audit_verification.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from eventsourcing.application import Repository
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Transcoding

from domain.check_numbers import CheckNumberSet
from domain.company import Company, Connector, ErpSettings
from domain.funding_account import FundingAccount

# One snapshot per this many events: a cold load replays at most this many after it.
SNAPSHOT_EVERY = 100

SNAPSHOTTED: dict[type[Any], int] = {FundingAccount: SNAPSHOT_EVERY, Company: SNAPSHOT_EVERY}
# The first events of the snapshotted kinds: how a check of every snapshot finds them.
SNAPSHOTTED_FROM = (FundingAccount.FundingAccountOpened, Company.CompanyEnrolled)

A = TypeVar("A")


def mutate_each(aggregate: A | None, events: Iterable[Any]) -> A | None:
    """The library's project_aggregate without its per-event runtime Protocol check.

    That isinstance() against a runtime-checkable Protocol cost half of a cold load's time;
    every event here is one of our aggregates' own event classes, which all mutate.
    """
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class UncheckedRepository(Repository[Any]):
    """The library's repository, replaying with `mutate_each` unless told otherwise."""

    def get(self, aggregate_id: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("projector_func", mutate_each)
        return super().get(aggregate_id, **kwargs)


class CheckNumberSetAsRuns(Transcoding):
    """A set of check numbers as its runs [[start, end], ...]: a million checks stay small."""

    type = CheckNumberSet
    name = "check_number_set"

    def encode(self, obj: CheckNumberSet) -> list[list[int]]:
        return [[start, end] for start, end in obj.runs()]

    def decode(self, data: list[list[int]]) -> CheckNumberSet:
        return CheckNumberSet.of_runs(data)


class ErpSettingsAsDict(Transcoding):
    type = ErpSettings
    name = "erp_settings"

    def encode(self, obj: ErpSettings) -> dict[str, Any]:
        return {
            "connector": obj.connector.value,
            "payment_record_sync_enabled": obj.payment_record_sync_enabled,
            "override_subcontractor_invoice_number": obj.override_subcontractor_invoice_number,
            "erp_base_url": obj.erp_base_url,
            "connection": dict(obj.connection),
        }

    def decode(self, data: dict[str, Any]) -> ErpSettings:
        return ErpSettings(
            connector=Connector(data["connector"]),
            payment_record_sync_enabled=data["payment_record_sync_enabled"],
            override_subcontractor_invoice_number=data["override_subcontractor_invoice_number"],
            erp_base_url=data["erp_base_url"],
            # Snapshots taken before connections existed hold none.
            connection=dict(data.get("connection", {})),
        )


class CompanySnapshot(Snapshot):
    """A company's snapshot: JSON has no UUID keys, so its accounts are kept as a list."""

    @classmethod
    def take(cls, aggregate: Any) -> Any:
        snapshot = super().take(aggregate)
        accounts = snapshot.state["funding_accounts"]
        snapshot.state["funding_accounts"] = [
            [account_id, nickname, bank_id] for account_id, (nickname, bank_id) in accounts.items()
        ]
        return snapshot

    def mutate(self, _: None) -> Any:
        company: Any = super().mutate(None)
        company.funding_accounts = {
            account_id: (nickname, bank_id)
            for account_id, nickname, bank_id in company.funding_accounts
        }
        return company


TRANSCODINGS: tuple[Transcoding, ...] = (CheckNumberSetAsRuns(), ErpSettingsAsDict())
