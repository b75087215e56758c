#!/usr/bin/env bash
# make bench: Intake's import against a bare psql \copy of the same file (see bench/run.py).
# ROWS=100000,1000000 (default) | ROWS=10000000; RUNS=3; BENCH_QUICK=1 for a quick 100k look.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then make backend-install; fi
if ! .venv/bin/python -c "import psutil, import_export" 2>/dev/null; then
  .venv/bin/pip install -q -r backend/requirements-dev.txt
fi
bash scripts/ensure-services.sh
exec .venv/bin/python bench/run.py "$@"
