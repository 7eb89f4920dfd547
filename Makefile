# The two set-up commands of the README: `make run` and `make test`.
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: run test bench-pages

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
