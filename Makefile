# The two set-up commands of the README: `make run` and `make test`.
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: run test bench-pages reliability bench

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

run: $(INSTALLED)
	$(VENV)/bin/paysync run

test: $(INSTALLED)
	scripts/test

# Each web page's first paint with 1,000 records, in the browser; see docs/benchmarks.md.
bench-pages: $(INSTALLED)
	$(VENV)/bin/pytest tests/e2e/bench_first_paint.py -q -s

# The long fault run (about 20 minutes on 2 cores): its figures go to var/reliability/*.json,
# from which docs/reliability.md is written. The short version runs within `make test`.
reliability: $(INSTALLED)
	rm -rf var/reliability
	PAYSYNC_RELIABILITY=long PAYSYNC_RELIABILITY_REPORT=var/reliability \
		$(VENV)/bin/pytest tests/reliability -q -p no:cacheprovider
	$(VENV)/bin/python -m tests.reliability.figures var/reliability

# Every figure of docs/benchmarks.md beside its same-run baseline (about nine minutes here).
# Debian's wrk is the HTTP load generator (C, not the bottleneck); installed when missing.
bench: $(INSTALLED)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(VENV)/bin/python bench/run.py --write
