"""How big a fault run is: short in the test command, long behind `make reliability`.

PAYSYNC_RELIABILITY=long selects the long run; PAYSYNC_RELIABILITY_REPORT names a folder where
each run writes its figures as JSON (docs/reliability.md is written from them).
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LONG = os.environ.get("PAYSYNC_RELIABILITY") == "long"


@dataclass(frozen=True)
class Scale:
    crash_records: int  # records exported while workers are killed, per run
    crash_kills: int  # SIGKILLs per run (a run with 1 worker, a run with 2, per backend)
    fault_records: int  # records exported under ERP faults, on SQLite
    fault_records_postgres: int
    fault_payments_per_disbursement: int
    racing_authorizations: int
    api_kills: int
    api_seconds_between_kills: float
    database_restarts: int


SHORT_SCALE = Scale(
    crash_records=40,
    crash_kills=4,
    fault_records=200,
    fault_records_postgres=100,
    fault_payments_per_disbursement=50,
    racing_authorizations=50,
    api_kills=1,
    api_seconds_between_kills=1.5,
    database_restarts=1,
)
LONG_SCALE = Scale(
    crash_records=500,
    crash_kills=50,
    fault_records=10_000,
    fault_records_postgres=2_000,
    fault_payments_per_disbursement=100,
    racing_authorizations=50,
    api_kills=10,
    api_seconds_between_kills=2.0,
    database_restarts=5,
)
SCALE = LONG_SCALE if LONG else SHORT_SCALE
# The short run keeps to SQLite where a run is long; the long one runs every backend.
HEAVY_BACKENDS = ("sqlite", "postgres") if LONG else ("sqlite",)
ALL_FAULTS = [
    "unavailable", "timeout", "slow", "reset", "drop_answer", "garbage", "truncated",
    "wrong_content_type",
]  # fmt: skip


def record_figures(run: str, figures: dict[str, Any]) -> None:
    """Keeps the run's figures, with the machine and the moment, when a report folder is set."""
    folder = os.environ.get("PAYSYNC_RELIABILITY_REPORT")
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    document = {
        "run": run,
        "scale": "long" if LONG else "short",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, Python"
        f" {platform.python_version()}",
        **figures,
    }
    (path / f"{run}.json").write_text(json.dumps(document, indent=2, default=str))
