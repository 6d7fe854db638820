PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: install lock run test bench lint messages services system-packages e2e-deps check-deploy

# Installs the development lock (production + development tools), checking every hash.
install: $(VENV)/.installed

$(VENV)/.installed: requirements/development.txt
	./scripts/system-packages.sh build
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/development.txt
	touch $@

# Regenerates the hashed locks from pyproject.toml with pip-tools: requirements/production.txt
# from [project] dependencies (what the Docker image installs), requirements/development.txt
# adds the `dev` extra and is constrained by the production lock, so the shared packages keep
# the same versions. Pins already in a lock are kept; after editing pyproject.toml run
# `make lock`, then `make install`. Upgrades: make lock LOCK_ARGS=--upgrade
# (or LOCK_ARGS="--upgrade-package django").
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --no-emit-index-url --no-emit-trusted-host --no-emit-find-links \
	$(LOCK_ARGS)

lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "pip-tools==7.6.2"
	$(PIP_COMPILE) --output-file=requirements/production.txt pyproject.toml
	$(PIP_COMPILE) --extra=dev --constraint=requirements/production.txt \
		--output-file=requirements/development.txt pyproject.toml

# The embedded default: SQLite, tasks in-process, console email.
run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(MANAGE) load_mission_data
	$(MANAGE) runserver $(or $(ADDR),127.0.0.1:8000)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

e2e-deps: node_modules/.installed
	./scripts/system-packages.sh

services:
	./scripts/services.sh

# The whole suite, against PostgreSQL and Redis (started here when stopped) and Chromium.
# The whole suite on PostgreSQL, then the data, import and page tests again on SQLite (the
# embedded default), so that the two databases behave the same.
test: install e2e-deps services
	$(BIN)/pytest $(PYTEST_ARGS)
	DATABASE_URL=sqlite:///$(CURDIR)/.test-sqlite.sqlite3 $(BIN)/pytest -m "both_databases and not postgresql" $(PYTEST_ARGS)

bench: install e2e-deps services
	$(BIN)/python -m benchmarks.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	$(MANAGE) makemessages -l el -l pl --no-obsolete --add-location file
	$(MANAGE) compilemessages --ignore=.venv
