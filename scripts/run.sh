#!/usr/bin/env bash
# Start the whole system on embedded defaults: Temporal dev server (SQLite file under var/),
# worker, API and portal. Logs in var/log/. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
PY=.venv/bin/python
TEMPORAL_PORT=${TANPASS_TEMPORAL_PORT:-7233}
UI_PORT=${TANPASS_TEMPORAL_UI_PORT:-8233}
API_PORT=${TANPASS_API_PORT:-8000}
PORTAL_PORT=${TANPASS_PORTAL_PORT:-8501}
export TANPASS_TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT
export TANPASS_API_BASE_URL=http://127.0.0.1:$API_PORT
export TANPASS_PUBLIC_BASE_URL=http://127.0.0.1:$PORTAL_PORT

pids=()
cleanup() { echo; echo "stopping..."; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait; }
trap cleanup EXIT INT TERM

wait_for() {  # url, name
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not come up; see var/log/"; exit 1
}

.tools/bin/temporal server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$UI_PORT" \
  --db-filename var/temporal.sqlite --log-level warn \
  $(scripts/search_attributes.sh) >var/log/temporal.log 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$UI_PORT/" "Temporal dev server"

$PY -m api.bootstrap
$PY -m workflows.worker >var/log/worker.log 2>&1 &
pids+=($!)
$PY -m uvicorn api.main:app --host 127.0.0.1 --port "$API_PORT" >var/log/api.log 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$API_PORT/healthz" "API"
$PY -m streamlit run portal/app.py --server.port "$PORTAL_PORT" --server.address 127.0.0.1 \
  --server.headless true --browser.gatherUsageStats false >var/log/portal.log 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PORTAL_PORT/_stcore/health" "portal"

if [ ! -f var/.demo-done ] && [ "${TANPASS_DEMO:-1}" = 1 ]; then
  echo "driving one demo product through the whole process..."
  $PY -m scripts.demo && touch var/.demo-done
fi

cat <<TXT

Tanpass is running.
  Portal          http://127.0.0.1:$PORTAL_PORT
  API + docs      http://127.0.0.1:$API_PORT/docs
  Temporal UI     http://127.0.0.1:$UI_PORT
  Demo users      exporter@demo.tanpass, verifier@, certifier@, customs@, subsidy@, admin@demo.tanpass
  Demo password   $(cat var/secrets/demo_password)
  Logs            var/log/   (Ctrl-C stops everything; data stays in var/)
TXT
wait
