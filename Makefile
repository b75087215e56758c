# Intake: `make run` serves the app, `make test` runs every suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(abspath $(VENV))/bin/python
BIN := $(abspath $(VENV))/bin
PORT ?= 8000
MANAGE := cd backend && $(PY) manage.py

# The suites run against the real local services; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/intake
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
# The request counters of the throttling tests (a Redis database of their own).
TEST_CACHE_URL ?= redis://127.0.0.1:6379/13

.PHONY: help install backend-install frontend-install frontend-build run dev worker migrate \
	test test-backend test-sqlite test-frontend chaos lint typecheck schema schema-check schemathesis e2e bench bench-live \
	deploy-check up down services clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

# ---- install -------------------------------------------------------------------------------
$(VENV)/.installed: backend/requirements.txt backend/requirements-dev.txt backend/requirements-deploy.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r backend/requirements-dev.txt
	touch $@

backend-install: $(VENV)/.installed ## Create the virtualenv and install the backend

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend-install: frontend/node_modules/.installed ## Install the frontend's packages

frontend-build: frontend-install ## Build the page into frontend/dist
	cd frontend && npm run build

install: backend-install frontend-install ## Install everything

# ---- run -----------------------------------------------------------------------------------
# The local servers speak plain http on 127.0.0.1: no secure-only cookies, no redirect to https.
run dev: export DJANGO_HTTPS ?= false

migrate: backend-install
	$(MANAGE) migrate --noinput

run: install frontend-build migrate ## Serve the API, the page and a worker on 127.0.0.1:$(PORT)
	$(MANAGE) collectstatic --noinput -v 0
	cd backend && $(BIN)/honcho -f Procfile start -p $(PORT)

dev: install migrate ## Vite dev server with hot reload, proxied to the API and a worker
	cd backend && $(BIN)/honcho -f Procfile.dev start -p $(PORT)

# ---- test ----------------------------------------------------------------------------------
services: ## Make sure PostgreSQL, Redis and RabbitMQ answer (start the local ones if stopped)
	bash scripts/ensure-services.sh

lint: backend-install ## ruff check and format check
	$(BIN)/ruff check backend
	$(BIN)/ruff format --check backend

typecheck: backend-install ## mypy on backend/
	cd backend && $(BIN)/mypy .

test-backend: backend-install services ## pytest against PostgreSQL, Redis and a real worker
	cd backend && DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		TEST_CACHE_URL=$(TEST_CACHE_URL) $(BIN)/pytest

chaos: backend-install services ## Fault injection: workers, readers, broker and database broken mid-import
	cd backend && DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/pytest -m chaos chaos

test-sqlite: backend-install ## Smoke test of the embedded defaults (SQLite, filesystem broker)
	cd backend && env -u DATABASE_URL -u CELERY_BROKER_URL $(PY) -m pytest -p no:cacheprovider \
		-m sqlite_smoke -o addopts="" tests/test_sqlite_smoke.py

test-frontend: frontend-install ## The type check, ESLint (import boundaries, no warnings) and the vitest unit tests
	cd frontend && npm run typecheck && npm run lint && npm test

test: lint typecheck test-backend test-sqlite test-frontend schema-check schemathesis deploy-check ## Every suite

schema: backend-install frontend-install ## Regenerate the OpenAPI schema and the frontend's API types
	$(MANAGE) spectacular --validate --fail-on-warn --file ../frontend/openapi.yaml
	cd frontend && npm run generate:api

schema-check: backend-install frontend-install ## Fail when the committed schema or types are stale
	bash scripts/schema-check.sh

schemathesis: backend-install services ## Schemathesis against a live server on a fresh database (bounded)
	bash scripts/schemathesis.sh

e2e: install ## Browser tests against the real stack
	bash scripts/e2e.sh

bench: backend-install services ## Benchmarks; writes docs/benchmarks.md
	bash scripts/bench.sh

bench-live: backend-install services ## Batch commit to page over the live stream, 50 clients; writes docs/benchmarks.md
	$(PY) bench/live.py

# ---- deploy --------------------------------------------------------------------------------
deploy-check: backend-install ## Validate compose, Kubernetes manifests and Dockerfiles offline
	bash scripts/deploy-check.sh

up: ## docker compose stack (needs a Docker engine)
	test -f .env || cp .env_example .env
	docker compose -f docker/docker-compose.yml --env-file .env up -d --build

down: ## Stop the docker compose stack
	docker compose -f docker/docker-compose.yml --env-file .env down

clean: ## Remove local state (database, uploads, broker files)
	rm -rf backend/var
