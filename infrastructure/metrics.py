"""paysync's Prometheus metrics, with the official client library, in the process's registry.

Counters and histograms move as work happens; gauges that are a query (queue depth, projection
lag, pool usage) are read when /metrics is scraped, so they cost nothing between scrapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# ERP calls take tens of milliseconds to the ERP timeout (5 s by default).
ERP_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """One set per process (a registry of its own, so tests can build several)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.export_seconds = Histogram(
            "paysync_export_seconds",
            "Time of one ERP call exporting a payment record, by connector and outcome.",
            ["connector", "outcome"],
            buckets=ERP_BUCKETS,
            registry=self.registry,
        )
        self.export_failures = Counter(
            "paysync_export_failures",
            "Payment records that landed in Failed to Export, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.export_retries = Counter(
            "paysync_export_retries",
            "Exports scheduled to be tried again after a transient refusal, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.http_seconds = Histogram(
            "paysync_http_request_seconds",
            "Time to answer an HTTP request, by method, route template and status.",
            ["method", "route", "status"],
            buckets=HTTP_BUCKETS,
            registry=self.registry,
        )

    # --- the export's observer (application/export/observing.py) ----------------------------------
    def erp_answered(self, connector: str, seconds: float, outcome: str) -> None:
        self.export_seconds.labels(connector, outcome).observe(seconds)

    def retry_scheduled(self, reason: str) -> None:
        self.export_retries.labels(reason).inc()

    def export_failed(self, reason: str) -> None:
        self.export_failures.labels(reason).inc()

    def watch(self, collector: Collector) -> None:
        self.registry.register(collector)


class Readings(Collector):
    """Gauges read at scrape time from the functions given (each returns current values)."""

    def __init__(
        self,
        queue_depth: Callable[[], int],
        projection_lag: Callable[[], Mapping[str, int]],
        pool_usage: Callable[[], Mapping[str, int]],
    ) -> None:
        self.queue_depth = queue_depth
        self.projection_lag = projection_lag
        self.pool_usage = pool_usage

    def collect(self) -> Iterable[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "paysync_export_queue_depth", "Export jobs waiting: due, leased or backing off."
        )
        lag = GaugeMetricFamily(
            "paysync_projection_lag_events",
            "Events a follower of the log has not applied yet (counted up to the readiness "
            "bound plus one).",
            labels=["read_model"],
        )
        pool = GaugeMetricFamily(
            "paysync_db_pool_connections",
            "The process's PostgreSQL pool: connections open, in use, and the most allowed.",
            labels=["state"],
        )
        try:
            depth.add_metric([], self.queue_depth())
            for name, behind in self.projection_lag().items():
                lag.add_metric([name], behind)
        except Exception:  # noqa: S110 - a store outage shows on /readyz; the scrape goes on
            pass
        for state, count in self.pool_usage().items():
            pool.add_metric([state], count)
        return [depth, lag, pool]
