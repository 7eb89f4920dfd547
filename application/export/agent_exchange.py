"""What an on-premises agent fetches from paysync, and how its ERP's answers come back.

QuickBooks Desktop and Sage 300 CRE sit on the contractor's own server: paysync cannot call
them. Their connectors hand each record to the agent (`sent_to_agent`); the agent polls,
takes the records waiting for its company, gives them to its ERP, and reports what the ERP
answered, which is recorded exactly like a direct answer (same events, same outcomes). The
records waiting are the company's `sent_to_agent` payment records; each is read again from
its disbursement when it is handed out, so an agent always gets the record as it stands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from application.errors import NotFound
from application.export.export_records import ExportOutcome
from application.payments.payments import Payments
from application.ports import ErpAccepted, ErpConnectors, ErpRefused, PaymentRecordToExport
from application.read_models.payment_records import PaymentRecordsView
from domain.invoice_payment import ExportStatus

AGENT = "paysync-agent"  # the actor of the outcomes an agent reports
PAGE = 100


@dataclass(frozen=True)
class AgentWork:
    """One record for the agent, and what names it when the answer comes back."""

    disbursement_id: UUID
    attempt: int
    record: PaymentRecordToExport


class AgentExchange:
    def __init__(
        self,
        payments: Payments,
        records: Callable[[], PaymentRecordsView],
        connectors: ErpConnectors,
    ) -> None:
        self.payments = payments
        self.records = records
        self.connectors = connectors

    def connection(self, company_id: str, connector: str) -> dict[str, str] | None:
        """The company's connection, if the company is set up for this agent's connector."""
        try:
            settings = self.payments.erp_settings(company_id)
        except NotFound:
            return None
        return settings.connection if settings.connector == connector else None

    def waiting(self, company_id: str, skip: set[UUID] | None = None) -> list[AgentWork]:
        """The company's records waiting for its agent, oldest first (`skip`: in hand)."""
        skip = skip or set()
        work: list[AgentWork] = []
        cursor: str | None = None
        while True:
            page = self.records().page(company_id, ExportStatus.SENT_TO_AGENT, cursor, PAGE)
            for row in page.items:
                payment_id = UUID(row.payment_id)
                if payment_id in skip:
                    continue
                found = self._work(company_id, UUID(row.disbursement_id), payment_id)
                if found is not None:
                    work.append(found)
            cursor = page.next_cursor
            if cursor is None:
                return work

    def _work(self, company_id: str, disbursement_id: UUID, payment_id: UUID) -> AgentWork | None:
        try:
            candidate = self.payments.export_candidate(company_id, disbursement_id, payment_id)
        except NotFound:
            return None
        # The read model may lag behind: the disbursement says whether it still waits.
        if candidate.export_status is not ExportStatus.SENT_TO_AGENT or candidate.record is None:
            return None
        return AgentWork(disbursement_id, candidate.export_attempt, candidate.record)

    def report(
        self,
        company_id: str,
        work: AgentWork,
        answer: ErpAccepted | ErpRefused,
        connector: str,
    ) -> bool:
        """Records what the agent's ERP answered; False when it was recorded already."""
        outcome = ExportOutcome(work.record.payment_id, work.attempt, answer, connector)
        recorded = self.payments.record_export_outcomes(
            company_id, work.disbursement_id, [outcome], AGENT
        )
        return bool(recorded)
