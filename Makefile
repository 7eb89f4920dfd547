# The two set-up commands of the README: `make run` and `make test`.
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: run test bench

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

run: $(INSTALLED)
	$(VENV)/bin/paysync run

test: $(INSTALLED)
	scripts/test

# Every figure of docs/benchmarks.md beside its same-run baseline (about ten minutes).
bench: $(INSTALLED)
	$(VENV)/bin/python bench/run.py --write
