# Tuijin 推进.  `make demo` builds the demo database and serves it on http://127.0.0.1:8000;
# `make test` runs the fast lane of the suite in two processes (SQLite by default; PostgreSQL with
# TUIJIN_DATABASE_URL=postgres://…); `make test-slow` the slow lane (browser, LibreOffice, subprocesses, the
# replica pair, schemathesis); `make test-all` both, as CI does.
# Needs only python3, pip, node and npm. Targets are idempotent: stamp files make a second run quick.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 8000
PG_URL  ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# pytest-xdist: two worker processes, whole files to a worker (a module world is built once; tests/conftest.py
# keeps the demo tests last). XDIST="-n 0" runs in this one process; XDIST="-n auto" uses every core.
XDIST       ?= -n 2 --dist loadfile
FAST        := -m "not slow"
SLOW        := -m slow

# Stamps: the Python install (redone when pyproject.toml changes), the npm install (when package.json or
# the lock changes) and the vendored static assets (kept inside the folder they fill, so deleting the
# folder redoes them).
VENV_STAMP   := $(VENV)/.installed
NPM_STAMP    := node_modules/.package-lock.json
VENDOR_DIR   := src/tuijin/web/static/vendor
VENDOR_STAMP := $(VENDOR_DIR)/.vendored
VENDOR_SCRIPT := $(wildcard scripts/vendor_assets.py)
NPM_LOCK     := $(wildcard package-lock.json)

.DEFAULT_GOAL := help
.PHONY: help venv assets migrate demo serve test test-slow test-all test-sqlite test-pg lint bench clean

help:
	@echo "make demo    build the demo database and serve it on http://$(HOST):$(PORT) (prints the logins)"
	@echo "make test    the fast lane of the suite, -n 2 (TUIJIN_DATABASE_URL picks the database; SQLite by default)"
	@echo "make test-slow  the slow lane: browser, LibreOffice, subprocesses, replica pair, schemathesis"
	@echo "make test-all   both lanes, as CI runs them;  make test-pg: both lanes on PostgreSQL ($(PG_URL))"
	@echo "make serve   serve the current database;  make migrate;  make lint;  make bench"

# --- Python ---------------------------------------------------------------------------------------------
venv: $(VENV_STAMP)

# `python3 -m venv` needs ensurepip (Debian: python3-venv). Without it, make a venv without pip and let
# the system's pip install pip into it.
$(VENV_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || { \
	  echo "python3 -m venv failed (no ensurepip?): creating the venv without pip and using the system pip"; \
	  rm -rf $(VENV) && $(PY) -m venv --without-pip $(VENV) && \
	  $(PY) -m pip --python $(BIN)/python install -q pip; }
	@test -x $(BIN)/pip || $(PY) -m pip --python $(BIN)/python install -q pip
	@echo "pip install -e '.[dev]' into $(VENV) (log: $(VENV)/pip.log)"
	@$(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]' > $(VENV)/pip.log 2>&1 || { \
	  tail -n 40 $(VENV)/pip.log; echo "pip install failed: see $(VENV)/pip.log"; exit 1; }
	@touch $@

# --- Front-end assets (served by the app itself: no CDN) -------------------------------------------------
assets: $(VENDOR_STAMP)

$(NPM_STAMP): package.json $(NPM_LOCK)
	@command -v npm >/dev/null || { echo "npm not found: install Node.js and npm, then run make again"; exit 1; }
	@if [ -f package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; \
	else \
	  echo "note: no package-lock.json yet, using npm install"; npm install --no-audit --no-fund --loglevel=error; \
	fi
	@touch $@

$(VENDOR_STAMP): $(NPM_STAMP) $(VENDOR_SCRIPT) $(VENV_STAMP)
	@if [ -f scripts/vendor_assets.py ]; then \
	  $(BIN)/python scripts/vendor_assets.py; \
	else \
	  echo "note: scripts/vendor_assets.py not found: no assets vendored"; mkdir -p $(VENDOR_DIR); \
	fi
	@touch $@

# --- Running ---------------------------------------------------------------------------------------------
migrate: venv
	$(BIN)/tuijin migrate

demo: venv assets
	$(BIN)/tuijin demo --host $(HOST) --port $(PORT)

serve: venv assets
	$(BIN)/tuijin serve --host $(HOST) --port $(PORT)

# make fails whenever pytest does: a failed test (pytest exit 1) and an empty run (exit 5, no test collected)
# both fail `make test`.
test: venv assets
	$(BIN)/pytest $(FAST) $(XDIST) $(PYTEST_ARGS)

test-slow: venv assets
	$(BIN)/pytest $(SLOW) $(XDIST) $(PYTEST_ARGS)

# Two pytest runs: the fast lane, then the slow one (the second runs even when the first fails; make fails
# when either did).
test-all: venv assets
	@rc=0; $(BIN)/pytest $(FAST) $(XDIST) $(PYTEST_ARGS) || rc=$$?; \
	$(BIN)/pytest $(SLOW) $(XDIST) $(PYTEST_ARGS) || rc=$$?; exit $$rc

test-sqlite: venv assets
	env -u TUIJIN_DATABASE_URL $(MAKE) --no-print-directory test-all

test-pg: venv assets
	TUIJIN_DATABASE_URL=$(PG_URL) $(MAKE) --no-print-directory test-all

# lint-imports: the layers contract in pyproject.toml ([tool.importlinter]; docs/architecture.md, "Layers").
lint: venv
	$(BIN)/ruff check .
	PYTHONPATH=src $(BIN)/lint-imports --no-cache
	PYTHONPATH=src $(BIN)/mypy

bench: venv assets
	@if [ -x bench/run.sh ] || [ -f bench/run.sh ]; then bash bench/run.sh; \
	else echo "make bench: no benchmark yet (bench/run.sh); see README, Performance"; fi

clean:
	rm -rf $(VENV) node_modules $(VENDOR_DIR) test-output
