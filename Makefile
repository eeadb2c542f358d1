# Two-command set-up: `make demo` and `make test`. Every target installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
# Test processes (pytest-xdist): with 2 (the default: one per core) each process has its own test database, Celery
# worker and browser. TEST_WORKERS=0 keeps everything in one process (for --pdb or a single test).
TEST_WORKERS ?= 2

.PHONY: install assets demo test test-fast quality graph migrate bench clean

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

static/vendor/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/leaflet/images
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
		static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
		static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css \
		static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png static/vendor/leaflet/images/
	cp node_modules/leaflet/LICENSE static/vendor/leaflet/
	touch $@

install: $(VENV)/.installed static/vendor/.installed

assets: static/vendor/.installed

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py import_referentiels
	$(PY) manage.py seed_demo --url http://127.0.0.1:$(PORT)
	@echo "Plateforme disponible sur http://127.0.0.1:$(PORT)/ (Ctrl+C pour arrêter)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

test-fast: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not browser and not celery and not pdf"

quality: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates */templates --lint
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# The imports between the apps (docs/ARCHITECTURE.md, « Dependencies between the apps »).
graph: install
	$(PY) scripts/app_graph.py

bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor var
