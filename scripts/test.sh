#!/usr/bin/env bash
# The full test suite: lint, then pytest against SQLite and a throwaway PostgreSQL on loopback,
# with integration tests on the real Temporal dev server built by scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export TANPASS_TEST_POSTGRES_URL=$(scripts/pg.sh start)
export TANPASS_REQUIRE_POSTGRES=1
echo "[test] PostgreSQL for tests: $TANPASS_TEST_POSTGRES_URL"
echo "[test] ruff"
.venv/bin/python -m ruff check .
echo "[test] mypy (pure rooms)"
.venv/bin/python -m mypy footprint compliance_rules
mkdir -p test-artifacts
echo "[test] pytest"
exec .venv/bin/python -m pytest -p no:cacheprovider --timeout=600 "$@"
