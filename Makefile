# Tanpass: two commands do everything on a fresh machine.
#   make run   - set up (venv, packages, Temporal CLI build, migrations) and start the whole system
#   make test  - the same setup, then the full test suite (SQLite and PostgreSQL, real Temporal)
SHELL := /bin/bash
PY := .venv/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run demo test test-fast lint bench clean-var help

help:
	@echo "make run   - set up and start Temporal dev server, worker, API and portal"
	@echo "make test  - set up and run the whole test suite"
	@echo "make demo  - drive one demo product through the whole process (system must be running)"
	@echo "make bench - run the benchmarks and write bench/results/summary.md"
	@echo "make lint  - ruff and mypy"

setup:
	@scripts/setup.sh

run: setup
	@scripts/run.sh

demo:
	@$(PY) -m scripts.demo

lint: setup
	$(PY) -m ruff check .
	$(PY) -m mypy footprint compliance_rules

test: setup
	@scripts/test.sh

test-fast:
	$(PY) -m pytest -q -m "not integration and not browser" -x

bench: setup
	$(PY) -m bench.run_all

clean-var:
	rm -rf var/
