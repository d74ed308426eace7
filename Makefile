# Pocket Council's front door. `make run` and `make test` are all a newcomer needs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Development defaults; a real deployment sets its own environment (docs/operating.md).
export POCKETCOUNCIL_ENV ?= development
export DEBUG ?= true

.PHONY: run test lint format bench static install install-test migrate demo clean worker e2e-deps hostile

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements/base.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-test: requirements/test.txt requirements/base.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/test.txt
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build/static/.built: node_modules/.installed scripts/build_static.sh $(shell find assets -type f)
	scripts/build_static.sh
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Build the CSS and JavaScript (GOV.UK Frontend from npm) and collect static files.
static: build/static/.built $(VENV)/.installed
	$(PY) manage.py collectstatic --noinput --verbosity 0

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py load_demo

## Create the virtualenv, install, build assets, migrate, load the demo councils and serve
## (with a task worker in the background).
run: static demo
	scripts/run_dev.sh

## A background worker for queued tasks (notifications, integrations).
worker: migrate
	$(PY) manage.py db_worker --queue-name '*'

## Install what tests need and run the whole suite, in parallel over the machine's CPUs
## (pytest-xdist; TEST_WORKERS=0 runs in one process). Exit code 5 (no tests ran) is a failure.
TEST_WORKERS ?= auto
test: install-test build/static/.built
	@scripts/ensure_chromium.sh
	@scripts/ensure_redis.sh
	@$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "ERROR: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

## Explore hostile input with fresh random examples, SCALE times as many as `make test` runs.
SCALE ?= 10
HOSTILE_TESTS = $(wildcard pocketcouncil/*/tests/test_hostile.py) \
	pocketcouncil/engage/tests/test_surveys.py pocketcouncil/open311/tests/test_api_properties.py \
	pocketcouncil/transparency/tests/test_budgets.py
hostile: install-test build/static/.built
	HYPOTHESIS_PROFILE=explore HYPOTHESIS_EXAMPLES_SCALE=$(SCALE) $(BIN)/pytest $(HOSTILE_TESTS) $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	POCKETCOUNCIL_ENV=test $(PY) manage.py makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Benchmarks (not part of `make test`); results go in docs/benchmarks.md.
bench: install-test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules build var/static
