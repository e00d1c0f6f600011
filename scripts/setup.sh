#!/usr/bin/env bash
# Idempotent setup for a fresh machine: system packages, Python venv and packages, Temporal CLI.
# Each step is skipped when already done, so `make run` and `make test` stay quick after the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# 1. System packages (Debian). Installed only when missing.
need=()
command -v pdfsig >/dev/null || need+=(poppler-utils)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v certutil >/dev/null || need+=(libnss3-tools)
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ "${TANPASS_WITH_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null || need+=(chromium chromium-driver)
fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 2. Python venv with the project's packages (uv from PyPI for speed; a fresh install takes ~1 min).
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  log "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.tanpass-deps-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  log "installing Python packages"
  .venv/bin/python -m pip install -q --upgrade uv
  .venv/bin/uv pip install -q --python .venv/bin/python -e '.[dev]'
  rm -f .venv/.tanpass-deps-*
  touch "$stamp"
fi
# The repo root on sys.path (packages added after the editable install are importable too).
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$ROOT" > "$site/tanpass-root.pth"

# 3. Temporal CLI (real dev server), built from source with Go into the ignored .tools folder.
# A machine-wide cache keeps one build per version, so a fresh clone on the same machine
# copies it instead of rebuilding.
TEMPORAL_VERSION=v1.5.1
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/tanpass/temporal-$TEMPORAL_VERSION"
if [ ! -x .tools/bin/temporal ]; then
  mkdir -p .tools/bin
  if [ -x "$CACHE" ]; then
    log "Temporal CLI $TEMPORAL_VERSION from the machine cache ($CACHE)"
    cp "$CACHE" .tools/bin/temporal
  else
    command -v go >/dev/null || { echo "Go is needed to build the Temporal CLI (go install)"; exit 1; }
    log "building Temporal CLI $TEMPORAL_VERSION with $(go version | cut -d' ' -f3) (first time: several minutes)"
    GOBIN="$ROOT/.tools/bin" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"
    mkdir -p "$(dirname "$CACHE")" && cp .tools/bin/temporal "$CACHE.tmp.$$" && mv "$CACHE.tmp.$$" "$CACHE"
  fi
fi
mkdir -p var
log "ready: $(.venv/bin/python --version), $(.tools/bin/temporal --version 2>/dev/null | head -1)"
