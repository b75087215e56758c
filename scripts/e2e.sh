#!/usr/bin/env bash
# Browser tests: start the real stack (gunicorn serving the built page and the API, a Celery
# worker, PostgreSQL, Redis) on its own port with a fresh database, then drive Debian's chromium
# with playwright-core from frontend/e2e. Always stops what it started. Exit code = test result.
#
#   E2E_PORT      port of the stack (default 8765)
#   E2E_DB        database name (default intake_e2e; dropped and created again)
#   E2E_REDIS_DB  Redis database number used as the broker (default 14; flushed)
#   E2E_SKIP_BUILD=1  reuse the built page as it is
#   E2E_DIST_DIR  the built page to serve (default frontend/dist)
#   E2E_KEEP_OUTPUT=1 keep screenshots of earlier runs
#   E2E_TESTS     test files to run, relative to frontend/e2e (default tests/*.test.mjs)
#   E2E_DOCS_SHOTS=1  also write the README's pictures to docs/screenshots/
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

E2E_PORT="${E2E_PORT:-8765}"
E2E_DB="${E2E_DB:-intake_e2e}"
E2E_REDIS_DB="${E2E_REDIS_DB:-14}"
BASE_URL="http://127.0.0.1:${E2E_PORT}"
BIN="$ROOT/.venv/bin"
E2E_DIR="$ROOT/frontend/e2e"
OUTPUT_DIR="$E2E_DIR/output"

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- tools ----------------------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium
fi
[ -x "$BIN/python" ] || { echo "no virtualenv at .venv: run make install first" >&2; exit 1; }

if [ ! -f "$E2E_DIR/node_modules/.installed" ] ||
  [ "$E2E_DIR/package-lock.json" -nt "$E2E_DIR/node_modules/.installed" ]; then
  log "installing the browser tests' packages"
  (cd "$E2E_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  touch "$E2E_DIR/node_modules/.installed"
fi

if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
  log "building the page"
  make --no-print-directory frontend-build
fi
[ -f "${E2E_DIST_DIR:-$ROOT/frontend/dist}/index.html" ] || { echo "the built page (index.html) is missing" >&2; exit 1; }

# ---- services and a fresh state -------------------------------------------------------------
bash scripts/ensure-services.sh
log "fresh database $E2E_DB, Redis db $E2E_REDIS_DB"
PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
  -c "DROP DATABASE IF EXISTS \"$E2E_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$E2E_DB\""
redis-cli -h 127.0.0.1 -p 6379 -n "$E2E_REDIS_DB" flushdb >/dev/null

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/intake-e2e.XXXXXX")"
mkdir -p "$RUN_DIR/var" "$RUN_DIR/uploads"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$E2E_DB"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/$E2E_REDIS_DB"
export INTAKE_VAR_DIR="$RUN_DIR/var"
export INTAKE_UPLOAD_DIR="$RUN_DIR/uploads"
export FRONTEND_DIST_DIR="${E2E_DIST_DIR:-$ROOT/frontend/dist}"
export DJANGO_SECRET_KEY="e2e-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export DJANGO_DEBUG=false
export DJANGO_HTTPS=false
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_CSRF_TRUSTED_ORIGINS="$BASE_URL,http://localhost:${E2E_PORT}"
export CORS_ALLOWED_ORIGINS=""
export LOG_LEVEL="${LOG_LEVEL:-INFO}"
# Small batches: a large file reports its progress several times on the way.
export IMPORT_BATCH_SIZE="${IMPORT_BATCH_SIZE:-2000}"
export PORT="$E2E_PORT"
# Every test signs up and in from 127.0.0.1: the sign-in rates are the throttling tests' business.
export THROTTLE_REGISTER_RATE="1000/hour" THROTTLE_LOGIN_RATE="1000/minute"

if (exec 3<>"/dev/tcp/127.0.0.1/$E2E_PORT") 2>/dev/null; then
  echo "port $E2E_PORT is already in use; set E2E_PORT" >&2
  exit 1
fi

log "migrating"
(cd backend && "$BIN/python" manage.py migrate --noinput -v 0)

# ---- start the stack; always stop it --------------------------------------------------------
WEB_PID=""
WORKER_PID=""
stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    log "server log"; tail -n 200 "$RUN_DIR/web.log" 2>/dev/null || true
    log "worker log"; tail -n 200 "$RUN_DIR/worker.log" 2>/dev/null || true
  fi
  stop_pid "$WORKER_PID"
  stop_pid "$WEB_PID"
  psql -h 127.0.0.1 -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS \"$E2E_DB\" WITH (FORCE)" \
    >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -p 6379 -n "$E2E_REDIS_DB" flushdb >/dev/null 2>&1 || true
  rm -rf "$RUN_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting gunicorn (uvicorn workers) on $BASE_URL and a worker"
# As backend/Procfile: ASGI (uvicorn workers), so the page gets live updates through Redis.
(cd backend && exec "$BIN/gunicorn" config.asgi:application --worker-class config.workers.WebWorker \
  --bind "127.0.0.1:$E2E_PORT" --workers 2 --timeout 600 --no-control-socket >"$RUN_DIR/web.log" 2>&1) &
WEB_PID=$!
(cd backend && exec "$BIN/celery" -A config worker -Q imports --concurrency 1 --prefetch-multiplier 1 \
  --loglevel INFO --hostname "e2e-$E2E_PORT@%h" >"$RUN_DIR/worker.log" 2>&1) &
WORKER_PID=$!

healthy=0
for _ in $(seq 120); do
  if ! kill -0 "$WEB_PID" 2>/dev/null; then echo "gunicorn exited" >&2; exit 1; fi
  if ! kill -0 "$WORKER_PID" 2>/dev/null; then echo "the worker exited" >&2; exit 1; fi
  code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/health/" || true)"
  if [ "$code" = 200 ]; then healthy=1; break; fi
  sleep 0.5
done
[ "$healthy" = 1 ] || { echo "$BASE_URL/api/health/ never answered 200" >&2; exit 1; }
# The worker must be listening before the first import is queued (a queued task would wait anyway).
for _ in $(seq 120); do grep -q "ready" "$RUN_DIR/worker.log" && break; sleep 0.5; done

# ---- run the tests --------------------------------------------------------------------------
[ "${E2E_KEEP_OUTPUT:-0}" = 1 ] || rm -rf "$OUTPUT_DIR"
mkdir -p "$OUTPUT_DIR"
log "browser tests against $BASE_URL (screenshots under frontend/e2e/output/)"
set +e
(cd "$E2E_DIR" && BASE_URL="$BASE_URL" OUTPUT_DIR="$OUTPUT_DIR" E2E_REDIS_DB="$E2E_REDIS_DB" node --test --test-concurrency=1 \
  --test-reporter=spec ${E2E_TESTS:-tests/*.test.mjs})
STATUS=$?
set -e
if [ "$STATUS" = 0 ]; then log "browser tests passed"; else log "browser tests FAILED"; fi
exit "$STATUS"
