# Quad: two commands do all the set-up on a fresh machine with Python 3.11+ and make.
#   make run   - install, start the embedded PostgreSQL, migrate, load demo data, serve
#   make test  - install and run the whole test suite (lint included)

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
# Use this machine's Python; never download one. The interpreter itself, not the command
# that starts it: a pyenv shim is a script, and an environment made by another path to
# the same Python is replaced by uv on every sync.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
# e.g. UV_SYNC_FLAGS=--dry-run: what an install would change (tests/deploy/test_makefile.py)
UV_SYNC_FLAGS ?=

# The DAGs live in their own environment (Airflow pins an older FastAPI than the API's).
DAGS_ENV := UV_PROJECT_ENVIRONMENT=.venv-dags

.PHONY: run test test-api test-dags lint format migrate seed serve install install-dags install-clients openapi clients clean analytics

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --locked $(UV_SYNC_FLAGS)  # the default groups: api, functions, local, dev

install-dags: $(UV)
	$(DAGS_ENV) $(UV) sync --locked --no-default-groups --group dags $(UV_SYNC_FLAGS)

# The contract tooling (clients/package.json, pinned by its package-lock.json), with the
# machine's Node.js and npm: Debian's nodejs package where they are missing.
install-clients:
	command -v npm >/dev/null || (apt-get update -q && apt-get install -y -q nodejs npm)
	npm ci --prefix clients --no-audit --no-fund --loglevel=error

# The OpenAPI document the app serves, into clients/openapi.json (commit the result:
# tests/test_contract.py fails while the two differ).
openapi: install
	$(UV) run --no-sync python -m api.openapi > clients/openapi.json

# Both typed clients regenerated from the document (made first): clients/typescript/src/
# schema.d.ts (openapi-typescript) and clients/python/quad_client (openapi-python-client).
# Commit the results: tests/clients fail while they differ from what the document gives.
clients: openapi install-clients
	$(UV) run --no-sync python clients/python/generate.py
	node clients/typescript/generate.mjs

run: install
	$(UV) run --no-sync quad migrate
	$(UV) run --no-sync quad seed-demo
	$(UV) run --no-sync quad serve

migrate: install
	$(UV) run --no-sync quad migrate

# Both environments first: the tests check that installing again would change neither.
test: install install-dags install-clients lint test-api test-dags

# Over every core (pytest-xdist), a test file per worker at a time: its module fixtures
# (a live server) start once; each worker has its own embedded PostgreSQL.
test-api: install
	$(UV) run --no-sync pytest -n auto --dist loadfile --ignore=tests/dags

# --confcutdir: the DAG tests bring their own fixtures, not the API's (tests/conftest.py).
test-dags: install-dags
	.venv-dags/bin/python -m pytest --confcutdir=tests/dags tests/dags

# The analytics DAG run locally with dag.test(): the local database (the one `make run`
# seeds) into DATA_DIR/analytics.duckdb, then every table's row count. DAY=YYYY-MM-DD
# picks the day; by default the demo data's day and the day before.
analytics: install-dags
	PYTHONPATH=dags .venv-dags/bin/python -m quad_analytics.local $(if $(DAY),--day $(DAY))

lint: install
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync mypy api infra functions

format: install
	$(UV) run --no-sync ruff check --fix .
	$(UV) run --no-sync ruff format .

clean:
	rm -rf $(TOOLS) .venv .venv-dags .pytest_cache clients/node_modules clients/typescript/dist
