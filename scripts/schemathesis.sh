#!/usr/bin/env bash
# Schemathesis against a live server (make schemathesis): gunicorn with the Procfile's options on a
# free port, a fresh PostgreSQL database and its own state directory (Celery's filesystem broker:
# nothing consumes the uploads, they stay pending), authenticated with an API key created for the
# run. Every check runs on every operation of /api/schema/, bounded by the number of examples.
# Always stops the server and drops the database. Exit code = the result.
#
#   SCHEMATHESIS_MAX_EXAMPLES  test cases per operation (default 20)
#   SCHEMATHESIS_SEED          random seed, so a run can be repeated (default 1)
#   SCHEMATHESIS_DB            database name (default intake_schemathesis; dropped and created again)
#   SCHEMATHESIS_PG            PostgreSQL server URL (default postgres://postgres@127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
BIN="$ROOT/.venv/bin"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-20}"
SEED="${SCHEMATHESIS_SEED:-1}"
DB="${SCHEMATHESIS_DB:-intake_schemathesis}"
PG="${SCHEMATHESIS_PG:-postgres://postgres@127.0.0.1:5432}"

[ -x "$BIN/schemathesis" ] || { echo "schemathesis is not installed: run make backend-install" >&2; exit 1; }

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/intake-schemathesis.XXXXXX")"
SERVER_PID=""
psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql "$PG/postgres" -v ON_ERROR_STOP=1 -q "$@"; }
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" != 0 ] && [ -f "$RUN_DIR/server.log" ]; then
    echo "== server log (last 100 lines)"; tail -n 100 "$RUN_DIR/server.log"
  fi
  psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$RUN_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "CREATE DATABASE \"$DB\""

export DATABASE_URL="$PG/$DB"
export CELERY_BROKER_URL="filesystem://"
export CACHE_URL=""
export INTAKE_VAR_DIR="$RUN_DIR/var"
export INTAKE_UPLOAD_DIR="$RUN_DIR/uploads"
export DJANGO_SECRET_KEY="schemathesis-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export DJANGO_DEBUG=false
export DJANGO_HTTPS=false
export DJANGO_ALLOWED_HOSTS="127.0.0.1"
export LOG_LEVEL=WARNING
# The run sends far more sign-ins and reads than any limit allows; the limits have their own tests.
export THROTTLE_REGISTER_RATE="" THROTTLE_LOGIN_RATE="" THROTTLE_REFRESH_RATE="" THROTTLE_UPLOAD_RATE="" \
  THROTTLE_READ_RATE=""

(cd backend && "$BIN/python" manage.py migrate --noinput -v 0)
KEY="$(cd backend && "$BIN/python" manage.py create_api_key --workspace schemathesis --name schemathesis | tail -n1)"

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE_URL="http://127.0.0.1:$PORT"
# The Procfile's server, on this port.
WEB_COMMAND="$(sed -n 's/^web: //p' backend/Procfile)"
(cd backend && PORT="$PORT" exec bash -c "exec $WEB_COMMAND" >"$RUN_DIR/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 100); do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server exited" >&2; exit 1; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/health/" || true)" = 200 ] && break
  sleep 0.3
done

echo "schemathesis: $MAX_EXAMPLES examples per operation, seed $SEED, against $BASE_URL"
# One worker: with two threads, hypothesis describing strategies calls ast.parse concurrently, which
# CPython 3.11 before 3.11.9 can fail with "AST constructor recursion depth mismatch".
"$BIN/schemathesis" --config-file scripts/schemathesis.toml run "$BASE_URL/api/schema/" \
  --header "X-API-KEY: $KEY" \
  --checks all \
  --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" \
  --workers 1 \
  --generation-database none \
  --generation-with-security-parameters false \
  --request-timeout 30 \
  --no-color
