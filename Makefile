# Precision Hotspots: two commands from a fresh clone.
#   make run    create .venv, install pinned requirements, start the app on the bundled data
#               (python -m ui.serve: kernels compiled and default analyses kept before it serves)
#   make test   the same set-up plus Debian Chromium and HAProxy, the import contracts, then the whole test suite
#   make serve  REPLICAS=N app processes behind HAProxy on SERVE_PORT (default 2 on 8500)
#   make lint   import contracts (.importlinter), ruff lint and format check, mypy strict on geo/ and models/
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-requirements
SUDO   := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
PORT   ?= 8501
# `make run` starts the public demo on purpose (no sign-in, public and synthetic data only);
# `make run PRECISION_MODE=secure` needs a users file (see README, Access).
PRECISION_MODE ?= demo
# The demo shows a SYNTHETIC 36-month demonstration history (made once on first start, in
# store/demo_history); `make run PRECISION_DEMO_DATA=sample` shows the real bundled months.
PRECISION_DEMO_DATA ?= history

.PHONY: run serve test test-fast lint bench ingest chromium venv clean-store

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

# Debian packages: Chromium for the browser tests (no browser is downloaded by Playwright),
# HAProxy for several app processes behind one address (make serve, and its browser test),
# tinyproxy for the update's proxy test (the binary only: tinyproxy-bin, no service).
chromium:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium fonts-dejavu-core"; \
	[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || missing="$$missing haproxy"; \
	command -v tinyproxy >/dev/null 2>&1 || missing="$$missing tinyproxy-bin"; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# Several app processes behind HAProxy on one address (python -m cli.cluster): REPLICAS
# processes, the proxy on SERVE_PORT, each browser kept on one process.
REPLICAS   ?= 2
SERVE_PORT ?= 8500
serve: venv chromium
	PRECISION_MODE=$(PRECISION_MODE) PRECISION_DEMO_DATA=$(PRECISION_DEMO_DATA) $(BIN)/python -m cli.cluster --replicas $(REPLICAS) --port $(SERVE_PORT)

run: venv
	PRECISION_MODE=$(PRECISION_MODE) PRECISION_DEMO_DATA=$(PRECISION_DEMO_DATA) $(BIN)/python -m ui.serve --server.port $(PORT)

test: venv lint chromium
	$(BIN)/python -m pytest

# Import contracts (.importlinter): cli and ui above models above geo, nothing imports cli,
# and geo, models and cli never import Streamlit. A back-arrow fails here, before any test;
# so do lint errors, unformatted code (ruff.toml) and type errors in geo/ and models/ (mypy.ini).
lint: venv
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Unit, sample and AppTest tests only (no browser).
test-fast: venv
	$(BIN)/python -m pytest -m "not e2e"

bench: venv
	$(BIN)/python -m bench

ingest: venv
	$(BIN)/python -m cli.ingest data/police_uk

clean-store:
	rm -rf store
