#!/usr/bin/env bash
# Fails when the committed API schema (frontend/openapi.yaml) or the frontend's generated types
# (frontend/src/types/api.generated.ts) no longer match the backend. Fix with: make schema
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SCHEMA="$ROOT/frontend/openapi.yaml"
TYPES="$ROOT/frontend/src/types/api.generated.ts"
GENERATOR="$ROOT/frontend/node_modules/.bin/openapi-typescript"

[ -x "$PY" ] || { echo "schema-check: no Python at $PY (run make backend-install)" >&2; exit 2; }
[ -x "$GENERATOR" ] || { echo "schema-check: openapi-typescript is not installed (run make frontend-install)" >&2; exit 2; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/intake-schema.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# The schema does not depend on the database or the broker: use the embedded defaults, out of the tree.
(
  cd backend
  env -u DATABASE_URL -u CELERY_BROKER_URL INTAKE_VAR_DIR="$TMP/var" \
    "$PY" manage.py spectacular --validate --fail-on-warn --file "$TMP/openapi.yaml"
) >"$TMP/spectacular.log" 2>&1 || { cat "$TMP/spectacular.log" >&2; echo "schema-check: the backend's schema does not validate" >&2; exit 1; }

stale=0
if ! diff -u "$SCHEMA" "$TMP/openapi.yaml" >"$TMP/schema.diff"; then
  echo "schema-check: frontend/openapi.yaml is stale against the backend:" >&2
  head -n 60 "$TMP/schema.diff" >&2
  stale=1
fi

(cd frontend && "$GENERATOR" "$TMP/openapi.yaml" -o "$TMP/api.generated.ts") >"$TMP/generate.log" 2>&1 ||
  { cat "$TMP/generate.log" >&2; echo "schema-check: openapi-typescript failed" >&2; exit 1; }
if ! diff -u "$TYPES" "$TMP/api.generated.ts" >"$TMP/types.diff"; then
  echo "schema-check: frontend/src/types/api.generated.ts is stale against the schema:" >&2
  head -n 60 "$TMP/types.diff" >&2
  stale=1
fi

if [ "$stale" = 1 ]; then
  echo "schema-check: FAILED, run make schema and commit frontend/openapi.yaml and frontend/src/types/api.generated.ts" >&2
  exit 1
fi
echo "schema-check: frontend/openapi.yaml and src/types/api.generated.ts match the backend"
