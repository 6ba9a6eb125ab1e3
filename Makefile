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
BENCH := DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=benchmark ALLOWED_HOSTS=127.0.0.1

.DEFAULT_GOAL := help
.PHONY: help install install-test run demo test lint format migrations bench bench-corpus

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(VENV)/bin/activate ## Install Newsroom and its dependencies into .venv
	$(PIP) install --quiet -e .

install-test: $(VENV)/bin/activate ## Install Newsroom with the test and lint tools
	$(PIP) install --quiet -e ".[test]"

run: install ## Migrate, load the demo newsroom and serve it on http://127.0.0.1:8000
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py load_demo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

demo: run ## Same as run

test: install-test ## Lint, then run the whole test suite on PostgreSQL
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest

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
	$(BENCH) $(PY) manage.py bench_detection
	$(BENCH) $(PY) manage.py bench_pages
