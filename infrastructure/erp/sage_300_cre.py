"""The Sage 300 CRE connector: reached by paysync's agent on the contractor's server.

Sage 300 CRE posts no payment from outside: its own AP check run prints and posts checks. So
a payment record marks the paid invoice for the check run (Invoice Code 1 the company's
check-run code, Invoice Code 2 the check number paysync assigned), and the record ends
`marked_for_check_run`. Partial payments are refused (the check run pays an invoice's open
amount). The agent (this project's design, see ADR 0023) polls paysync over HTTPS with its
login: `POST .../sage-300-cre/agent/poll` hands it the records waiting, `POST .../answers`
reports what Sage 300 CRE did with each; the request id is the record's idempotency key, so
a request handed out twice is marked once.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/sage_300_cre.py.
"""

from __future__ import annotations

from typing import Any

from application import ports
from application.export.agent_exchange import AgentExchange, AgentWork
from domain.export_failure import ExportFailureReason
from infrastructure.erp import connection as erp_connection

CONNECTOR = "sage_300_cre"
REASONS = {
    "vendor_not_found": ExportFailureReason.VENDOR_NOT_SYNCED,
    "invoice_not_found": ExportFailureReason.INVOICE_NOT_SYNCED,
    "over_open_balance": ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE,
    "partial_payment": ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED,
}


class Connection(erp_connection.ConnectionSettings):
    """The agent's login (its secret by reference) and the check-run code it marks with."""

    agent_username: erp_connection.Name
    agent_password_ref: erp_connection.SecretRef
    check_run_code: erp_connection.Name


def build(connection: Connection, context: erp_connection.BuildContext) -> Sage300CreConnector:
    context.secrets.resolve(connection.agent_password_ref)  # refused now if missing
    return Sage300CreConnector()


class Sage300CreConnector:
    connector_name = CONNECTOR
    capabilities = ports.Capabilities(
        kind=ports.ConnectorKind.AGENT,
        partial_payments=False,
        refuses_duplicate_check_numbers=False,  # no check is written: nothing to collide
        idempotency=ports.Idempotency.NATIVE_KEY,  # the agent marks a request id once
        marks_for_check_run=True,
    )

    def export_bill(self, bill: ports.BillToExport) -> ports.BillAnswer:
        return ports.ErpRefused(
            ExportFailureReason.ERP_REJECTED,
            "invoices reach Sage 300 CRE through its own AP import, not paysync",
        )

    def export_payment(self, record: ports.PaymentRecordToExport) -> ports.ErpAnswer:
        if record.amount < record.bill_amount:
            return ports.ErpRefused(
                ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED,
                f"Sage 300 CRE's check run pays invoice {record.invoice_number} in full"
                f" ({record.bill_amount}); a payment of {record.amount} cannot be marked",
            )
        return ports.ErpSentToAgent(agent_ref=record.idempotency_key)


def request_of(work: AgentWork, check_run_code: str) -> dict[str, Any]:
    record = work.record
    return {
        "request_id": record.idempotency_key,
        "disbursement_id": str(work.disbursement_id),
        "payment_id": str(record.payment_id),
        "attempt": work.attempt,
        "vendor": record.erp_vendor_id,
        "invoice": record.erp_bill_ref,
        "amount": str(record.amount),
        "invoice_code_1": check_run_code,
        "invoice_code_2": record.check_number,
    }


def answer_of(report: dict[str, Any]) -> ports.ErpAccepted | ports.ErpRefused:
    if report.get("status") == "marked" and report.get("erp_ref"):
        return ports.ErpAccepted(erp_ref=str(report["erp_ref"]), marked_for_check_run=True)
    code = str(report.get("code") or "refused")
    return ports.ErpRefused(
        REASONS.get(code, ExportFailureReason.ERP_REJECTED),
        str(report.get("message") or "Sage 300 CRE did not mark the invoice"),
        code,
    )


class Sage300AgentService:
    """What paysync's Sage 300 CRE agent may ask: the records waiting, and its answers."""

    def __init__(self, exchange: AgentExchange, secrets_of: dict[str, str]) -> None:
        self.exchange = exchange
        self._secrets = secrets_of

    def _connection(self, company_id: str, username: str, password: str) -> dict[str, str]:
        connection = self.exchange.connection(company_id, CONNECTOR)
        if connection is None or not erp_connection.is_agent_login(
            connection, self._secrets, "agent", username, password
        ):
            raise PermissionError("the agent's login is not this company's")
        return connection

    def poll(self, company_id: str, username: str, password: str) -> list[dict[str, Any]]:
        connection = self._connection(company_id, username, password)
        return [
            request_of(work, connection["check_run_code"])
            for work in self.exchange.waiting(company_id)
        ]

    def answer(
        self, company_id: str, username: str, password: str, reports: list[dict[str, Any]]
    ) -> int:
        """Records each report whose record still waits; how many were recorded."""
        self._connection(company_id, username, password)
        waiting = {str(w.record.payment_id): w for w in self.exchange.waiting(company_id)}
        recorded = 0
        for report in reports:
            work = waiting.get(str(report.get("payment_id")))
            if work is None or report.get("request_id") != work.record.idempotency_key:
                continue
            recorded += self.exchange.report(company_id, work, answer_of(report), CONNECTOR)
        return recorded


MODULE = erp_connection.ConnectorModule(Connection, build)
