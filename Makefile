# Newsroom: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEV := DEBUG=1
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_USER ?= postgres
TEST_DATABASE_URL ?= postgres://$(PG_USER)@$(PG_HOST):$(PG_PORT)/newsroom
BENCH_DB ?= newsroom_bench
BENCH_DATABASE_URL ?= postgres://$(PG_USER)@$(PG_HOST):$(PG_PORT)/$(BENCH_DB)
STORIES ?= 10000
ENTITIES ?= 2000
# The browser tests: a database of their own, made again at every run, and
# Debian's Chromium.
E2E_DATABASE_URL ?= postgres://$(PG_USER)@$(PG_HOST):$(PG_PORT)/newsroom_e2e
CHROMIUM ?= /usr/bin/chromium
E2E := DATABASE_URL=$(TEST_DATABASE_URL) E2E_DATABASE_URL=$(E2E_DATABASE_URL) E2E_CHROMIUM=$(CHROMIUM)
BENCH := DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=benchmark ALLOWED_HOSTS=127.0.0.1 INSTALL_DEMO=1

.DEFAULT_GOAL := help
.PHONY: help install install-test browser-tools test-services run worker demo test e2e lint format migrations bench bench-corpus bench-throughput

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(VENV)/bin/activate ## Install Newsroom and its dependencies into .venv
	$(PIP) install --quiet -e .

install-test: $(VENV)/bin/activate ## Install Newsroom with the test and lint tools
	$(PIP) install --quiet -e ".[test]"

run: install ## Migrate, load the demo newsroom, serve it on http://127.0.0.1:8000 with the mail worker
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:8000 with the background worker (mail is printed here)"
	@$(DEV) $(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEV) $(PY) manage.py runserver 127.0.0.1:8000

worker: install ## The background worker alone: sends queued mail, retries what failed
	$(PY) manage.py db_worker --queue-name '*'

demo: run ## Same as run

test: install-test browser-tools test-services ## Lint, then run the whole test suite on PostgreSQL, then the browser tests
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest
	$(E2E) $(PY) -m pytest -m e2e tests/e2e

e2e: install-test browser-tools ## Only the browser tests (Playwright and Chromium); screenshots in screenshots/
	$(E2E) $(PY) -m pytest -m e2e tests/e2e

browser-tools: node_modules/.package-lock.json ## Chromium (Debian's package, installed when root) and axe-core (npm)
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM): install Debian's package" \
	      "(sudo apt-get install chromium), or give its path: make test CHROMIUM=/path/to/chromium" >&2; \
	    exit 1; \
	  fi; }

test-services: ## Varnish (with xkey) and nginx, for the tests of the cache in front and of media (installed when root)
	@command -v varnishd >/dev/null && test -x /usr/sbin/nginx && test -n "$$(find /usr/lib -name libvmod_xkey.so -print -quit 2>/dev/null)" || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's varnish, varnish-modules and nginx-light for the tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules nginx-light >/dev/null; \
	    systemctl disable --now varnish nginx >/dev/null 2>&1 || { pkill -x varnishd; pkill -x nginx; true; }; \
	  else \
	    echo "The tests need Varnish with the xkey module and nginx: sudo apt-get install varnish varnish-modules nginx-light" >&2; \
	    exit 1; \
	  fi; }

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The browser tests need Node.js and npm (for axe-core)." >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

lint: install-test ## ruff check and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-test ## Format and fix what ruff can
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations: install ## Write migrations for model changes
	$(DEV) $(PY) manage.py makemigrations

bench-corpus: install ## Load STORIES stories and ENTITIES entities into database BENCH_DB
	psql "$(BENCH_DATABASE_URL)" -c "SELECT 1" >/dev/null 2>&1 || createdb -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) $(BENCH_DB)
	$(BENCH) $(PY) manage.py migrate --no-input
	$(BENCH) $(PY) manage.py collectstatic --no-input -v0
	$(BENCH) $(PY) manage.py generate_corpus --stories $(STORIES) --entities $(ENTITIES)

bench: install ## Print detection and page benchmarks (against database BENCH_DB)
	$(BENCH) $(PY) manage.py migrate --no-input -v0
	$(BENCH) $(PY) manage.py bench_detection
	$(BENCH) $(PY) manage.py bench_pages

bench-throughput: install ## gunicorn + wrk: each page's req/s as a ratio of a bare Django project, worker memory
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's wrk for the throughput benchmark"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "The throughput benchmark needs wrk: sudo apt-get install wrk" >&2; exit 1; \
	  fi; }
	$(BENCH) $(PY) manage.py migrate --no-input -v0
	$(BENCH) $(PY) manage.py collectstatic --no-input -v0
	$(PY) bench/throughput.py --database-url $(BENCH_DATABASE_URL)
