"""The composition root: builds every part of paysync from one Settings object.

Nothing is built at import time; the server, the command line and the tests all come here.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from typing import Protocol

from application.audit.audit import Audit
from application.audit.audit_chain import AuditChain, AuditChainStore
from application.audit.audit_verification import ChainVerifier
from application.export.agent_exchange import AgentExchange
from application.export.erp_export import ExportExecutor, ExportPolicy, RetryPolicy
from application.export.export_queue import ExportQueue
from application.export.invoice_sync import InvoiceSync
from application.following import Follower, LocalWakeup, Wakeup
from application.payments.payments import Payments
from infrastructure.audit.chain_postgres import PostgresAuditChain
from infrastructure.audit.chain_sqlite import SQLiteAuditChain
from infrastructure.erp.addresses import ErpAddresses
from infrastructure.erp.directory import ConnectorDirectory
from infrastructure.erp.quickbooks_desktop import WebConnectorService
from infrastructure.erp.sage_300_cre import Sage300AgentService
from infrastructure.export.queue_postgres import PostgresExportQueue
from infrastructure.export.queue_sqlite import SQLiteExportQueue
from infrastructure.keys import chain_keys, check_keys
from infrastructure.metrics import Metrics, Readings
from infrastructure.settings import Settings
from infrastructure.store.connection_pool import pool_usage
from infrastructure.store.event_store import event_store_env
from infrastructure.store.hot_locks import hot_locks
from infrastructure.store.postgres_wakeup import NotifyRelay, PostgresWakeup
from infrastructure.store.views import open_view
from infrastructure.tokens import Tokens
from interfaces.read_models import ReadModels


class Background(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class Paysync:
    """A paysync: the applications, the ERP connectors, and what may run beside them."""

    settings: Settings
    payments: Payments
    tokens: Tokens
    connectors: ConnectorDirectory
    invoice_sync: InvoiceSync
    export_queue: ExportQueue
    export_policy: Follower
    export_executor: ExportExecutor
    audit: Audit
    read_models: ReadModels
    web_connector: WebConnectorService
    sage_300_agent: Sage300AgentService
    metrics: Metrics
    running: list[Background] = field(default_factory=list)
    _closing: list[object] = field(default_factory=list, repr=False)

    relay: NotifyRelay | None = None

    def _listen(self) -> None:
        if self.relay is not None and self.relay not in self.running:
            self.relay.start()
            self.running.insert(0, self.relay)  # stopped last, after its followers

    def start_worker(self) -> None:
        """Run the ERP export in this process: follow the log, export what falls due."""
        self._listen()
        for part in (self.export_executor, self.export_policy):
            part.start()
            self.running.append(part)

    def start_audit_chain(self) -> None:
        """Chain each stored event as it is saved, so tampering shows from that moment on."""
        self._listen()
        self.audit.chain.start()
        self.running.append(self.audit.chain)

    def start_projections(self) -> None:
        """Keep the read models current in this process: a follower per read model."""
        self._listen()
        for follower in self.read_models.followers.values():
            follower.start()
            self.running.append(follower)

    def lags(self) -> dict[str, int]:
        """How many events each follower of the log has still to apply (counted up to one
        more than /readyz allows, so a long outage costs a bounded read)."""
        most = self.settings.ready_max_lag_events + 1
        followers = {
            **self.read_models.followers,
            "audit_chain": self.audit.chain,
            "erp_export": self.export_policy,
        }
        return {name: follower.behind(most) for name, follower in followers.items()}

    def close(self) -> None:
        while self.running:
            self.running.pop().stop()
        for closable in (*self._closing, self.connectors, self.payments):
            with suppress(Exception):
                closable.close()  # type: ignore[attr-defined]
        self._closing.clear()
        with suppress(Exception):
            self.export_queue.datastore.close()  # type: ignore[attr-defined]


def bootstrap(settings: Settings) -> Paysync:
    check_keys(settings)
    # The hot funding account's lock, taken by every process on the store (ADR 0051).
    between = hot_locks(settings)
    payments = Payments(event_store_env(settings), between=between)
    connectors = ConnectorDirectory(
        settings.erp_timeout_seconds,
        settings.erp_secrets,
        address_check=ErpAddresses.of(settings).check,
    )
    closing: list[object] = [between]
    metrics = Metrics()
    queue: ExportQueue = open_view(settings, "erp_export", SQLiteExportQueue, PostgresExportQueue)
    executor = ExportExecutor(
        payments,
        queue,
        connectors,
        retry=RetryPolicy(
            window_seconds=settings.export_window_seconds,
            first_backoff_seconds=settings.export_first_backoff_seconds,
            max_backoff_seconds=settings.export_max_backoff_seconds,
        ),
        lease_seconds=settings.export_lease_seconds,
        poll_seconds=settings.follower_poll_seconds,
        observer=metrics,
    )
    policy = ExportPolicy(
        queue,
        payments,
        on_enqueued=executor.poke,
        on_settings_changed=executor.forget_settings,
    )
    wakeup = LocalWakeup(payments.saved)
    read_models = _read_models(settings, payments, closing)
    agents = AgentExchange(payments, lambda: read_models.payment_records, connectors)
    paysync = Paysync(
        settings=settings,
        payments=payments,
        tokens=Tokens(settings.signing_key),
        connectors=connectors,
        invoice_sync=InvoiceSync(payments, connectors),
        export_queue=queue,
        export_policy=Follower(
            payments, policy, poll_seconds=settings.follower_poll_seconds, wakeup=wakeup
        ),
        export_executor=executor,
        audit=_audit(settings, payments, closing),
        read_models=read_models,
        web_connector=WebConnectorService(agents, settings.erp_secrets),
        sage_300_agent=Sage300AgentService(agents, settings.erp_secrets),
        metrics=metrics,
        _closing=closing,
        relay=_relay(settings, payments),
    )
    metrics.watch(Readings(lambda: len(queue.jobs()), paysync.lags, pool_usage))
    return paysync


def _wakeup(settings: Settings, payments: Payments, closing: list[object]) -> Wakeup:
    """Every follower wakes on this process's saves; on PostgreSQL, the relay adds every
    other process's inserts to that same signal."""
    return LocalWakeup(payments.saved)


def _relay(settings: Settings, payments: Payments) -> NotifyRelay | None:
    if not settings.database_url:
        return None  # SQLite: no NOTIFY; other processes' saves are found by polling
    channel = payments.recorder.channel_name  # type: ignore[attr-defined]
    conninfo = settings.database_url.split("?")[0]
    return NotifyRelay(
        PostgresWakeup(conninfo, channel), payments.saved.notify, settings.follower_poll_seconds
    )


def _audit(settings: Settings, payments: Payments, closing: list[object]) -> Audit:
    store: AuditChainStore = open_view(
        settings, AuditChain.name, SQLiteAuditChain, PostgresAuditChain
    )
    closing.append(store.datastore)  # type: ignore[attr-defined]
    keys = chain_keys(settings)
    chain = Follower(
        payments,
        AuditChain(store, keys),
        poll_seconds=settings.follower_poll_seconds,
        wakeup=_wakeup(settings, payments, closing),
    )
    return Audit(payments, chain, ChainVerifier(payments.recorder, store, keys))


def _read_models(settings: Settings, payments: Payments, closing: list[object]) -> ReadModels:
    read_models = ReadModels(settings, payments, lambda: _wakeup(settings, payments, closing))
    closing.append(read_models)
    return read_models
