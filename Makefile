# The child death review platform. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run serve test test-browser lint format bench bench-national demo clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed ## Create the virtualenv and install Python and front-end dependencies

var:
	@mkdir -p var

demo: install var ## Migrate and load the synthetic demo data (idempotent)
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) load_postcodes --if-empty
	$(MANAGE) load_demo
	$(MANAGE) load_demo_agencies

run: demo ## Set up everything, load demo data, and serve on http://127.0.0.1:8000 with the task worker
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the worker)"
	@trap 'kill 0' EXIT; \
	  $(MANAGE) db_worker --queue-name default & \
	  $(MANAGE) runserver $(HOST):$(PORT) --noreload

test: install ## Run the whole test suite (set DATABASE_URL to run it on PostgreSQL)
	DJANGO_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

test-browser: install ## Run only the browser tests (Playwright with Debian's Chromium, axe-core)
	DJANGO_ENV=test $(BIN)/pytest -m browser

lint: install ## ruff, mypy (django-stubs) and djLint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint templates --lint
	$(BIN)/bandit -r cdop config -c bandit.yaml -q --severity-level high

format: install ## Format Python with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## Seed cases (CASES=20000), serve with gunicorn on loopback and print latency figures; then the papers pack for twelve cases
	$(PY) bench/run.py --cases $${CASES:-20000}
	$(PY) bench/papers_pack.py --cases 12

bench-national: install ## National scale: every staff page, the API and the submit at 5,000 and 50,000 cases, 1 and 16 clients (SCALES, CONCURRENCY); about an hour
	$(PY) bench/national.py --scales $${SCALES:-5000,50000} --concurrency $${CONCURRENCY:-1,16}

clean: ## Remove the virtualenv, node_modules and local data
	rm -rf $(VENV) node_modules var

# --- Production-like layout and load tests (issue 8) ---
# Two gunicorn app processes (127.0.0.1:8001 and :8002) and the task worker, with production
# settings, against PostgreSQL (PRODLIKE_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/cdop_prodlike). docs/operations.md explains each target,
# what it checks and how long it takes.
.PHONY: run-prod-like stop-prod-like load-test fault-test
LOAD_ARGS ?=
FAULT_ARGS ?=

run-prod-like: install ## Start two app processes and the task worker on loopback against PostgreSQL (background)
	$(PY) loadtest/prodlike.py start

stop-prod-like: ## Stop what run-prod-like started
	$(PY) loadtest/prodlike.py stop

load-test: install ## 2,000 notifications from 50 clients (200 sent twice) against run-prod-like; then checks nothing was lost (load at most 10 min, worker wait 3)
	$(PY) loadtest/submit_load.py $(LOAD_ARGS)

fault-test: install ## The load again, with the app processes killed twice and PostgreSQL stopped for 10 s (same bounds)
	$(PY) loadtest/faults.py $(FAULT_ARGS)
