"""`make bench`: every figure of issue 10 beside its same-run baseline, into docs/benchmarks.md.

    .venv/bin/python bench/run.py [--only NAME ...] [--backend sqlite|postgres] [--repeats 3]
                                  [--write]

Each benchmark sets its store up once per backend, then measures paysync and its baseline in
turn, `--repeats` times (interleaved), and reports medians with min-max and their ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import appends, cold_load, export_pipeline, hot_account, http_commands, rebuilds
from bench.harness import Benchmark, Figure, table
from tests.stores import fresh_settings

# name: (benchmark, its size in `make bench`, a tiny size for the test suite)
BENCHMARKS: dict[str, tuple[Benchmark, int, int]] = {
    "cold_load": (cold_load.run, 100_000, 300),
    "hot_account": (hot_account.run, 250, 16),
    "export_pipeline": (export_pipeline.run, 500, 8),
    "http_commands": (http_commands.run, 6000, 20),
    "appends": (appends.run, 500, 10),
    "rebuilds": (rebuilds.run, 60_000, 300),
}
HEADING = "## Issue 10: each figure beside its baseline"


def measure(
    names: list[str], backends: list[str], repeats: int, tiny: bool = False
) -> list[tuple[str, Figure]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            benchmark, size, tiny_size = BENCHMARKS[name]
            for backend in backends:
                with fresh_settings(backend, Path(tmp) / f"{name}-{backend}") as settings:
                    started = time.perf_counter()
                    figures = benchmark(backend, settings, tiny_size if tiny else size, repeats)
                    print(
                        f"{name} on {backend}: {time.perf_counter() - started:.0f} s",
                        file=sys.stderr,
                    )
                    rows += [(backend, figure) for figure in figures]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS))
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgres"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    command = " ".join(["bench/run.py", *sys.argv[1:]])
    load = os.getloadavg()
    rows = measure(
        args.only or list(BENCHMARKS), args.backend or ["sqlite", "postgres"], args.repeats
    )
    load_after = os.getloadavg()
    text = (
        f"{HEADING}\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.platform()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, with `{command}`; "
        f"load average {load[0]:.1f} before, {load_after[0]:.1f} after (a shared machine: "
        "the ratios against same-run baselines are what to read). Each value is the median "
        f"of {args.repeats} interleaved runs, with min-max; the ratio is paysync's median "
        "against the baseline's (above 1: paysync is the better).\n\n"
        f"{table(rows)}\n"
    )
    print(text)
    if args.write:
        write(text)


def write(section: str) -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
    current = path.read_text()
    if HEADING in current:
        before, _, after = current.partition(HEADING)
        rest = after.split("\n## ", 1)
        after = f"\n## {rest[1]}" if len(rest) == 2 else ""
        current = before + section + after
    else:
        current = current.replace("# Benchmarks\n\n", f"# Benchmarks\n\n{section}\n", 1)
    path.write_text(current)


if __name__ == "__main__":
    main()
