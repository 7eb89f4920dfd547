"""Export latency per company and connector, against the 10 minutes the incumbent promises.

The read model; stored by infrastructure/read_models/export_latency.py (the same concept).

Two measures, never mixed, both from the events as recorded:
- `automatic`: from FundingCompleted to the ERP's first answer (ExportSucceeded or
  ExportFailed), what paysync itself takes; every record the ERP answered counts.
- `time_to_fix`: from a record's first ExportFailed to its ExportSucceeded, the time a
  record waited for a person (or its invoice's sync) and the export after; only records that
  failed and were then exported count. Records marked as exported by hand are not exports.
The connector is the company's at the moment of the measure's end (its ErpSettingsChanged).
"""

from __future__ import annotations

import math
import statistics
from abc import abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from application.read_models.disbursement_state import TOPICS, DisbursementState
from application.read_models.folding import FoldingProjection
from application.read_models.moments import milliseconds_between
from application.read_models.paging import Page, decode_cursor, page_of
from application.read_models.payment_state import PaymentState
from application.read_models.read_model import ReadModel
from domain.company import Company
from domain.disbursement import Disbursement

SLA_MS = 10 * 60 * 1000


@dataclass
class CompanyState:
    connector: str

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)


class Measure(StrEnum):
    AUTOMATIC = "automatic"
    TIME_TO_FIX = "time_to_fix"


@dataclass(frozen=True)
class ExportTiming:
    seq: int
    company_id: str
    measure: str  # a Measure
    connector: str
    disbursement_id: str
    payment_id: str
    invoice_number: str
    vendor_name: str
    check_number: int | None
    funding_completed_at: str
    started_at: str  # funding completed (automatic), or the first failure (time to fix)
    ended_at: str  # the first answer (automatic), or the export (time to fix)
    exported_at: str | None
    latency_ms: int


@dataclass(frozen=True)
class LatencyQuery:
    """Filters; None means any. The days (inclusive, UTC) are those funding completed on."""

    connector: str | None = None
    funded_from: date | None = None
    funded_to: date | None = None


@dataclass(frozen=True)
class ConnectorLatency:
    connector: str
    exported: int
    median_ms: float
    p95_ms: int
    p99_ms: int
    max_ms: int
    over_sla: int


@dataclass(frozen=True)
class LatencyReport:
    sla_ms: int
    connectors: tuple[ConnectorLatency, ...]  # the automatic export
    time_to_fix: tuple[ConnectorLatency, ...]
    over_sla: Page[ExportTiming]  # the measures longer than the SLA, either kind


def summarize(connector: str, latencies: Sequence[int]) -> ConnectorLatency:
    """Median, and nearest-rank 95th and 99th percentiles, of sorted latencies."""

    def rank(percent: int) -> int:
        return latencies[max(0, math.ceil(percent / 100 * len(latencies)) - 1)]

    return ConnectorLatency(
        connector=connector,
        exported=len(latencies),
        median_ms=float(statistics.median(latencies)),
        p95_ms=rank(95),
        p99_ms=rank(99),
        max_ms=latencies[-1],
        over_sla=sum(1 for ms in latencies if ms > SLA_MS),
    )


class ExportLatencyView(ReadModel):
    def report(
        self, company_id: str, query: LatencyQuery, cursor: str | None, limit: int
    ) -> LatencyReport:
        """Per connector the distribution, and a page of the records over the SLA."""
        after = decode_cursor(cursor, 1)
        slow = self.slow(company_id, query, SLA_MS, after, limit + 1)
        latencies = self.latencies(company_id, query)

        def summaries(measure: Measure) -> tuple[ConnectorLatency, ...]:
            return tuple(
                summarize(connector, found)
                for (kind, connector), found in sorted(latencies.items())
                if kind == measure
            )

        return LatencyReport(
            sla_ms=SLA_MS,
            connectors=summaries(Measure.AUTOMATIC),
            time_to_fix=summaries(Measure.TIME_TO_FIX),
            over_sla=page_of(slow, limit, lambda timing: (timing.seq,)),
        )

    @abstractmethod
    def latencies(self, company_id: str, query: LatencyQuery) -> dict[tuple[str, str], list[int]]:
        """Per measure and connector, every latency in milliseconds, sorted."""

    @abstractmethod
    def slow(
        self,
        company_id: str,
        query: LatencyQuery,
        over_ms: int,
        after: tuple[int, ...] | None,
        limit: int,
    ) -> list[ExportTiming]:
        """Measures slower than `over_ms`, in the order they ended."""


def company_key(company_id: str) -> str:
    return f"company:{Company.id_for(company_id)}"


class ExportLatency(FoldingProjection):
    name = "export_latency"
    topics = (*TOPICS, get_topic(Company.ErpSettingsChanged))
    tables = ("exports",)

    def keys_of(self, event: DomainEvent) -> Iterable[str]:
        if isinstance(event, Company.ErpSettingsChanged):
            return (f"company:{event.originator_id}",)
        if isinstance(event, Disbursement.DisbursementDrafted):
            return (*super().keys_of(event), company_key(event.company_id))
        return super().keys_of(event)

    def related_keys(self, states: Iterable[Any]) -> Iterable[str]:
        return {
            company_key(state.company_id)
            for state in states
            if isinstance(state, DisbursementState)
        }

    def decode(self, key: str, doc: dict[str, Any]) -> Any:
        if key.startswith("company:"):
            return CompanyState(**doc)
        return super().decode(key, doc)

    def fold(self, states: dict[str, Any], event: DomainEvent, position: int) -> Iterable[str]:
        if isinstance(event, Company.ErpSettingsChanged):
            key = f"company:{event.originator_id}"
            states[key] = CompanyState(event.connector)
            return (key,)
        changed = super().fold(states, event, position)
        if isinstance(event, Disbursement.ExportSucceeded | Disbursement.ExportFailed):
            disbursement: DisbursementState = states[next(iter(changed))]
            company = states.get(company_key(disbursement.company_id))
            payment = disbursement.payment(event.payment_id)
            # The connector that answered, as the event names it; events stored before they
            # named it fall back on the company's connector of the time.
            fallback = "unknown" if company is None else company.connector
            payment.connector = event.connector or fallback
        return changed

    def rows_of(self, state: Any) -> dict[str, Sequence[object]]:
        if not isinstance(state, DisbursementState) or state.funding_completed_at is None:
            return {}
        rows = []
        for payment in state.payments:
            if payment.first_answer_at is not None and payment.first_answer_seq is not None:
                start = state.funding_completed_at
                rows.append(
                    timing(state, payment, Measure.AUTOMATIC, payment.first_answer_seq, start)
                )
            fixed = payment.export_succeeded_at is not None and payment.exported_seq is not None
            if fixed and payment.first_failed_at is not None:
                assert payment.exported_seq is not None
                rows.append(
                    timing(
                        state,
                        payment,
                        Measure.TIME_TO_FIX,
                        payment.exported_seq,
                        payment.first_failed_at,
                    )
                )
        return {"exports": rows}


def timing(
    state: DisbursementState, payment: PaymentState, measure: Measure, at_seq: int, start: str
) -> ExportTiming:
    assert state.funding_completed_at is not None
    end = payment.first_answer_at if measure is Measure.AUTOMATIC else payment.export_succeeded_at
    assert end is not None
    return ExportTiming(
        seq=at_seq,
        company_id=state.company_id,
        measure=measure.value,
        connector=payment.connector or "unknown",
        disbursement_id=state.disbursement_id,
        payment_id=payment.payment_id,
        invoice_number=payment.invoice_number,
        vendor_name=payment.vendor_name,
        check_number=None if payment.check is None else payment.check.number,
        funding_completed_at=state.funding_completed_at,
        started_at=start,
        ended_at=end,
        exported_at=payment.export_succeeded_at,
        latency_ms=milliseconds_between(start, end),
    )
