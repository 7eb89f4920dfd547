"""The export-latency summary: median, nearest-rank percentiles, and the 10-minute SLA."""

from __future__ import annotations

from application.read_models.export_latency import SLA_MS, summarize


def test_percentiles_are_nearest_rank_and_the_median_is_the_middle() -> None:
    latencies = list(range(1, 101))  # 1 ms .. 100 ms
    summary = summarize("quickbooks_online", latencies)
    assert (summary.median_ms, summary.p95_ms, summary.p99_ms, summary.max_ms) == (
        50.5, 95, 99, 100,
    )  # fmt: skip


def test_only_records_slower_than_ten_minutes_count_against_the_sla() -> None:
    summary = summarize("sage_intacct", [1_000, SLA_MS, SLA_MS + 1])
    assert summary.over_sla == 1
    assert summary.exported == 3


def test_one_record_is_its_own_median_and_percentiles() -> None:
    summary = summarize("cmic", [4_321])
    assert (summary.median_ms, summary.p95_ms, summary.p99_ms) == (4_321, 4_321, 4_321)
