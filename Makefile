# Skillcommons: `make run` serves the site with demo data, `make test` runs the whole suite.
#
# Works from a fresh clone on a machine with Python 3.11, Node 20/npm, gcc and gettext: the first
# run creates .venv (with uv from PyPI), installs the locked dependencies, installs the front-end
# packages from package-lock.json, copies Codex and htmx into static/vendor/ and compiles the
# message catalogs. Stamp files make later runs skip whatever is already up to date.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
UV_VERSION := 0.13.9
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k profile -x"`.
PYTEST_ARGS ?=

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMPS := $(VENV)/.stamps
VENDOR := static/vendor
UI_LANGUAGES := en es fr pt_BR ar bn hi
DEMO_PASSWORD := demo-password

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PYTHONDONTWRITEBYTECODE := 1

PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)

.PHONY: help setup run test test-pg lint format check-migrations messages check-catalogs \
	seed-demo clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# --- setup -------------------------------------------------------------------------------------

$(BIN)/uv:
	@echo "==> Creating $(VENV) with uv $(UV_VERSION)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMPS)/python: $(BIN)/uv uv.lock pyproject.toml
	@echo "==> Installing Python dependencies from uv.lock"
	$(BIN)/uv sync --frozen
	@mkdir -p $(STAMPS) && touch $@

node_modules/.stamp: package-lock.json package.json
	@echo "==> Installing front-end packages from package-lock.json"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/.stamp: node_modules/.stamp
	@echo "==> Copying Codex, Codex design tokens and htmx into $(VENDOR)/"
	mkdir -p $(VENDOR)/codex $(VENDOR)/codex-design-tokens $(VENDOR)/htmx
	cp node_modules/@wikimedia/codex/dist/codex.style.css \
	   node_modules/@wikimedia/codex/dist/codex.style-rtl.css \
	   node_modules/@wikimedia/codex/LICENSE $(VENDOR)/codex/
	cp node_modules/@wikimedia/codex-design-tokens/dist/theme-wikimedia-ui.css \
	   node_modules/@wikimedia/codex-design-tokens/LICENSE $(VENDOR)/codex-design-tokens/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE $(VENDOR)/htmx/
	@touch $@

$(STAMPS)/messages: $(STAMPS)/python $(PO_FILES)
	@echo "==> Compiling message catalogs"
	@if [ -n "$(PO_FILES)" ]; then $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; fi
	@mkdir -p $(STAMPS) && touch $@

setup: $(STAMPS)/python $(VENDOR)/.stamp $(STAMPS)/messages ## Install everything (fast when done)

# --- run ---------------------------------------------------------------------------------------

run: setup ## Migrate, load demo data if empty, serve (HOST=127.0.0.1 PORT=8000)
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Skillcommons is running at  http://$(HOST):$(PORT)/"
	@echo ""
	@echo "  Demo sign-ins (password for all: $(DEMO_PASSWORD)):"
	@echo "    demo-admin        administrator (also /admin/)"
	@echo "    demo-curator      curator of the skill taxonomy"
	@echo "    demo-coordinator  coordinator"
	@echo "    demo-organizer    organizer of an organization"
	@echo "    demo-member       member"
	@echo ""
	@echo "  API documentation: http://$(HOST):$(PORT)/api/v1/docs    Stop with Ctrl+C."
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

seed-demo: setup ## Add demo data to the local database (see `manage.py seed_demo --help`)
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo

# --- quality -----------------------------------------------------------------------------------

# pytest exits with 5 when it collected no tests; make treats that (like any non-zero code) as
# a failure, so an empty or mis-configured suite never passes.
test: setup ## Run the whole test suite on SQLite
	env -u DATABASE_URL $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

test-pg: setup ## Run the suite on a throwaway PostgreSQL cluster (needs PostgreSQL 15 binaries)
	scripts/with_postgres.sh $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: setup ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

check-migrations: setup ## Fail if a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

messages: setup ## Update locale/<lang>/LC_MESSAGES/django.po for every UI language
	$(PY) scripts/check_catalogs.py --update $(UI_LANGUAGES)

check-catalogs: setup ## Fail if a UI language has an untranslated or fuzzy message
	$(PY) scripts/check_catalogs.py $(UI_LANGUAGES)

clean: ## Remove installed tools and generated files (keeps data/)
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
	find locale -name '*.mo' -delete
