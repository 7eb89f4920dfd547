"""Every benchmark of `make bench` runs here at a tiny size, so none can rot (nothing timed)."""

from __future__ import annotations

import pytest

from bench.run import BENCHMARKS, measure


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_the_benchmark_runs_and_gives_every_figure_beside_its_baseline(
    name: str, backend: str
) -> None:
    rows = measure([name], [backend], repeats=1, tiny=True)
    if name == "http_commands" and backend == "postgres":
        assert rows == []  # the HTTP figure is the embedded default's
        return
    assert rows
    for store, figure in rows:
        assert store == backend
        assert len(figure.paysync) == len(figure.baseline) == 1
        assert min(figure.paysync + figure.baseline) > 0
        assert figure.ratio() > 0
