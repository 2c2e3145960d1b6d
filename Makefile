# Cầu Nối — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py

.PHONY: run serve test lint typecheck pytest test-pg install install-dev messages browser demo-data bench

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt 2>&1 | { grep -v '^WARNING: Location' || true; }
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 | { grep -v '^WARNING: Location' || true; }
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

messages: $(VENV)/.runtime
	@if command -v msgfmt >/dev/null && find . -path ./.venv -prune -o -name '*.po' -print | grep -q .; then \
		$(MANAGE) compilemessages --ignore=.venv >/dev/null; fi

## make run: install, migrate, create the keys of a new database (keys_init: the only step that
## ever creates keys; it refuses for a database that holds encrypted data), load the demo data
## once, serve on http://127.0.0.1:8000 with the task worker.
## Another port: PORT=8010 make run
run: install messages
	$(MANAGE) migrate --noinput
	$(MANAGE) keys_init
	$(MANAGE) demo_data
	@bin/serve

## make serve: the production start (checks, migrate, collectstatic, gunicorn); see docs/deploy.md.
serve: install messages
	@bin/serve-production

demo-data: install
	$(MANAGE) demo_data

## make test: install what tests need (Chromium included) and run everything.
test: install-dev messages browser lint typecheck pytest

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@# pdftotext reads the official PDFs back in submissions/tests/test_official.py
	@command -v pdftotext >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) keys_init >/dev/null
	$(MANAGE) makemigrations --check --dry-run >/dev/null
	$(MANAGE) check --fail-level WARNING

typecheck: install-dev
	$(VENV)/bin/mypy .

pytest: install-dev
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup

# The suite again on PostgreSQL (used by .ci/run).
test-pg: install-dev messages browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(VENV)/bin/pytest -q -n 2 --dist loadgroup

bench: install-dev
	$(PY) bench/run.py
