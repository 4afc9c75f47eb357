# Two commands do all set-up: `make run` and `make test` (README.md, "Two commands").
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
RASA := $(VENV)/bin/rasa
UV_VERSION := 0.9.5
INSTALLED := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONDONTWRITEBYTECODE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# no usage reports to Rasa's servers from training, tests or the shell (docs/operations.md, "Privacy")
export RASA_TELEMETRY_ENABLED ?= false

.PHONY: help install spacy train run shell validate lint format test test-fast test-unit test-server \
        test-stories test-stories-stock bench bench-load safety understanding conversations lock clean browser migrate widget audit retention \
        nginx cluster-up cluster-down

help:
	@echo "make run       set up, train if needed, start Rasa (5005), actions (5055), web app (8080)"
	@echo "make test      set up and run every test (what CI runs)"
	@echo "make test-fast lint and the unit tests (tests/unit): no servers, under a minute"
	@echo "make train     train a model if none matches the current data (FORCE=1 to retrain)"
	@echo "make shell     talk to the assistant in the terminal (rasa shell + action server)"
	@echo "make validate  rasa data validate --fail-on-warnings"
	@echo "make lint      ruff check and format check;  make format  fixes formatting"
	@echo "make bench     benchmark against a stock 'rasa init' assistant (bench/results.md)"
	@echo "make conversations  play the blind conversation sets; transcripts for a rater"
	@echo "make bench-load  concurrent realistic conversations: one replica, stock, cluster"
	@echo "make safety    every red-flag, follow-up and vignette set against the assistant"
	@echo "make understanding  blind intent and out-of-domain sets against the assistant"
	@echo "make lock      re-pin requirements.lock from requirements.in"
	@echo "make migrate   create or upgrade the handoff and insights tables (DATABASE_URL, default SQLite)"
	@echo "make widget    build the website chat widget (webapp/static/widget.js) with npm"
	@echo "make audit     known vulnerabilities in the pinned packages (pip-audit, npm audit)"
	@echo "make retention delete conversations and handoffs older than RETENTION_DAYS (default 90)"
	@echo "make cluster-up    2 Rasa + 2 action servers behind nginx on :8005, PostgreSQL, Redis"
	@echo "make cluster-down  stop the cluster (harmless when none runs)"

# The virtual environment: Python 3.10 (Rasa 3.6), exact pins from requirements.lock via uv.
# Bytecode is compiled once here: uv does not by default, and with PYTHONDONTWRITEBYTECODE (set
# here and on these machines) every process would compile Rasa, TensorFlow & co. from source at
# each start (half of the Rasa server's start: ready in 13.6 s without, 5.4 s with).
$(INSTALLED): requirements.lock pyproject.toml
	@test -x $(PY) || "$$(tooling/find-python310.sh)" -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@touch $@

install: $(INSTALLED)

# Browser tests drive Debian's chromium with Playwright (no browser download); installed once.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
$(CHROMIUM):
	$(SUDO) apt-get install -y --no-install-recommends chromium \
	  || ($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium)

browser: $(CHROMIUM)

# The local cluster's load balancer: Debian's nginx, installed once like chromium.
NGINX_BIN := /usr/sbin/nginx
$(NGINX_BIN):
	$(SUDO) apt-get install -y --no-install-recommends nginx \
	  || ($(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends nginx)

nginx: $(NGINX_BIN)

# The website chat widget: npm packages exactly as in the committed lock file, bundled by esbuild
# into webapp/static/widget.js (not committed; the web app serves it). Needs Node 20 and npm.
WIDGET_DIR := webapp/widget
WIDGET_JS := webapp/static/widget.js
WIDGET_STAMP := $(WIDGET_DIR)/node_modules/.installed
$(WIDGET_STAMP): $(WIDGET_DIR)/package-lock.json $(WIDGET_DIR)/package.json
	cd $(WIDGET_DIR) && npm ci --no-audit --no-fund
	@touch $@
$(WIDGET_JS): $(WIDGET_STAMP) $(wildcard $(WIDGET_DIR)/src/*)
	cd $(WIDGET_DIR) && npm run build
	@touch $@

widget: $(WIDGET_JS)

# The handoff store's schema (Alembic); `make run` and the tests migrate on their own.
migrate: install
	$(PY) -m handoff_delivery.migrate

# pip-audit in a venv of its own (it needs a newer `packaging` than Rasa 3.6 allows), pinned in
# tooling/audit/requirements.lock; tooling/audit says NOT audited when the service cannot be
# reached, and fails on it only with AUDIT_REQUIRED=1.
AUDIT_VENV := build/audit-venv
$(AUDIT_VENV)/.installed: tooling/audit/requirements.lock $(INSTALLED)
	$(UV) venv --quiet --allow-existing --python $(PY) $(AUDIT_VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(AUDIT_VENV)/bin/python \
	  -r tooling/audit/requirements.lock
	@touch $@

audit: $(AUDIT_VENV)/.installed
	$(PY) -m tooling.audit

# The retention job (also run daily by the web app, and by a CronJob in Kubernetes): the stores
# of `make run` unless TRACKER_STORE_URL / DATABASE_URL say otherwise; DAYS=n overrides.
retention: install
	TRACKER_STORE_URL="$${TRACKER_STORE_URL:-sqlite:///$(CURDIR)/run/dev/conversations.sqlite3}" \
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/run/dev/handoffs.sqlite3}" \
	  $(PY) -m stores.retention $(if $(DAYS),--days $(DAYS))

lock: $(INSTALLED)
	$(UV) pip compile --quiet --python $(PY) requirements.in -o requirements.lock

spacy: install
	$(PY) -m headache_core.nlp.pipeline
	$(PY) -m headache_core.proper_nouns
	$(PY) -m headache_core.red_flags.reports

train: install
	$(PY) -m tooling.train $(if $(FORCE),--force)

run: install widget
	@$(PY) -m tooling.run

shell: install
	$(PY) -m tooling.shell

validate: spacy
	$(RASA) data validate --fail-on-warnings

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The fast lane: lint, then tests/unit (the core, components, actions, channels, settings; no
# servers, no browser, no trained model). Under a minute once installed; `make test` runs all.
test-fast: spacy
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -q -p no:hypothesispytest -m "not server and not cluster and not slow" tests/unit

# Every lane but the running stack and the cluster (tests/ holds one folder per lane).
test-unit: spacy widget
	$(PY) -m pytest -m "not server and not cluster" -q

test-server: train widget
	$(PY) -m pytest -m server -q

# The conversation tests, through the patched command line (rasa_server); test-stories-stock runs
# them on stock Rasa (RASA_PATCHES=off, docs/rasa-patches.md): both must pass.
STORIES = $(PY) -m rasa_server test core --model "$$($(PY) -m tooling.train --print-path)" \
	    --stories tests/ --fail-on-prediction-errors --no-plot

test-stories: train
	$(STORIES) --out run/test-results

test-stories-stock: train
	RASA_PATCHES=off $(STORIES) --out run/test-results-stock

test: install browser nginx widget
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory validate
	$(MAKE) --no-print-directory audit
	$(MAKE) --no-print-directory train
	$(MAKE) --no-print-directory test-stories
	$(MAKE) --no-print-directory test-stories-stock
	$(PY) -m pytest -q

# The production shape on one machine (docs/operations.md, "The local cluster"); processes
# outlive make.
cluster-up: train nginx widget
	$(PY) -m tooling.cluster up

cluster-down:
	@if [ -x $(PY) ]; then $(PY) -m tooling.cluster down; else echo "no cluster was running"; fi

bench: train
	$(PY) -m tooling.bench

# Red-flag recall per level and flag, under-triage, follow-ups, vignettes (bench/safety.md);
# starts its own assistant unless SAFETY_URL names a running one.
safety: train widget
	$(PY) -m tooling.safety $(if $(SAFETY_URL),--url $(SAFETY_URL) --token "$$RASA_API_TOKEN")

# Blind intent and out-of-domain sets (tests/nlu/blind): macro-F1, out of scope, side effects,
# small talk (bench/understanding.md); starts its own assistant unless SAFETY_URL names one.
understanding: train widget
	$(PY) -m tooling.understanding $(if $(SAFETY_URL),--url $(SAFETY_URL) --token "$$RASA_API_TOKEN")

# Blind multi-turn conversations (tests/conversations/blind): transcripts for a rater and the
# fallback / repeat counts (bench/conversations/); starts its own assistant unless SAFETY_URL.
conversations: train widget
	$(PY) -m tooling.conversations $(if $(SAFETY_URL),--url $(SAFETY_URL) --token "$$RASA_API_TOKEN")

# One replica and the stock baseline always; the cluster when `tooling/cluster.py` can start it.
bench-load: train widget
	$(PY) -m tooling.bench_load $(BENCH_LOAD_FLAGS)

clean:
	rm -rf build run .rasa results .pytest_cache .ruff_cache
