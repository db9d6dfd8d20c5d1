# The two commands: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-browser lint format bench install install-dev migrate seed demo lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a lock file changes.
$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) load_plan

demo: seed
	$(MANAGE) create_demo_accounts

# Links in mails and calendars point at the address served, unless SITE_URL is set already.
SITE_URL ?= http://$(HOST):$(PORT)

run: demo
	@echo "Mở http://$(HOST):$(PORT)/ — dừng bằng Ctrl+C"
	SITE_URL=$(SITE_URL) $(MANAGE) runserver $(HOST):$(PORT)

# The whole suite but the browser tests, on DATABASE_URL (SQLite unless set).
test: install-dev
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

# Browser tests: need Debian's chromium (.ci/run installs it).
test-browser: install-dev
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# Formatting, lint and the import rules (docs/architecture.md); `make format` applies the formatting.
lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every page of every role against a logged-in floor, the exports, an import and (PostgreSQL) a
# deadline rush, on SQLite and PostgreSQL (installs wrk and PostgreSQL; needs root). Results:
# var/bench/results.md. Several shapes: BENCH_ARGS="--shapes province monthly-120 province-x10".
# A small run: BENCH_ARGS="--units 60 --plans 3 --tasks 10 --years 2 --seconds 2 --import-rows 500".
BENCH_ARGS ?=
bench: install
	bash .ci/bench $(BENCH_ARGS)

# Re-pin every package after changing pyproject.toml.
DEPS = import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet --upgrade pip
	$(PYTHON) -c '$(DEPS); print("\n".join(p["dependencies"]))' > .venv-lock/base.in
	$(PYTHON) -c '$(DEPS); print("\n".join(p["optional-dependencies"]["dev"]))' > .venv-lock/dev.in
	.venv-lock/bin/pip install --quiet -r .venv-lock/base.in
	.venv-lock/bin/pip freeze > requirements.txt
	.venv-lock/bin/pip install --quiet -r .venv-lock/base.in -r .venv-lock/dev.in
	(echo "-r requirements.txt"; .venv-lock/bin/pip freeze | grep -vxFf requirements.txt) > requirements-dev.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var
