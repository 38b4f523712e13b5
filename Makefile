# Prevent & Protect: the two commands are `make run` and `make test`.
# Everything they need is set up on first use: a virtualenv, the pinned Python
# packages, and the front-end assets from the npm registry.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run test lint migrate seed bench requirements clean setup system-packages

run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n auto

lint: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements/dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3.11-venv; }
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

# Front-end assets (Bootstrap, htmx, axe-core) come from the npm registry at
# build time; node and npm come from Debian's packages when missing.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

system-packages:
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation libharfbuzz-subset0 \
		libpango-1.0-0 libpangoft2-1.0-0

migrate: setup
	$(MANAGE) migrate --noinput

seed: setup
	$(MANAGE) seed_demo

bench: setup
	$(PY) -m benchmarks

# Re-pin the Python packages after editing requirements/*.in (writes no registry URLs).
requirements:
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile --python-version 3.11 -q requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --python-version 3.11 -q requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
