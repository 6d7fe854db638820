PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: install run test bench lint messages services system-packages e2e-deps check-deploy

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The embedded default: SQLite, tasks in-process, console email.
run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(MANAGE) runserver $(or $(ADDR),127.0.0.1:8000)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

e2e-deps: node_modules/.installed
	./scripts/system-packages.sh

services:
	./scripts/services.sh

# The whole suite, against PostgreSQL and Redis (started here when stopped) and Chromium.
test: install e2e-deps services
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install e2e-deps services
	$(BIN)/python -m benchmarks.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	$(MANAGE) makemessages -l el -l pl --no-obsolete --add-location file
	$(MANAGE) compilemessages --ignore=.venv
