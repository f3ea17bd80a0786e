# Newsroom: `make run` serves the site, `make test` runs the suite. Both set everything up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The background worker (webhook deliveries) runs beside the server and stops with it.
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_seeds
	$(PY) manage.py ensure_admin
	@echo "Site:  http://$(HOST):$(PORT)/"
	@echo "Admin: http://$(HOST):$(PORT)/admin/"
	@echo "API:   http://$(HOST):$(PORT)/api/v1/docs/"
	$(PY) manage.py worker --no-reload -v0 & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# axe-core and the Nu HTML Checker for the browser and HTML tests. Install scripts are skipped:
# vnu-jar's would download a Java runtime, and the machine's Java runs the checker.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

test: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

# The reader pages on SQLite and on PostgreSQL (bench/pages.sh --help), then breaking news and
# cache busting on both (bench/breaking_news.py --help). BENCH_ARGS goes to each: --quick for a
# smoke run, --keep to keep their scratch directories.
.PHONY: bench
bench: $(VENV)/.installed
	bash bench/pages.sh $(BENCH_ARGS)
	bash bench/pages.sh --postgres $(BENCH_ARGS)
	$(PY) bench/breaking_news.py $(BENCH_ARGS)

# Load and faults (bench/proof.py --help): wrk against gunicorn on a private PostgreSQL and Redis,
# then Redis killed and PostgreSQL stopped underneath it. PROOF_ARGS=--quick for CI's short run.
.PHONY: proof
proof: $(VENV)/.installed
	$(PY) bench/proof.py $(PROOF_ARGS)

# Known vulnerabilities in the pinned requirements, from PyPI's advisory data. pip-audit is
# pinned here rather than in requirements-dev.txt: it is a release check, not a test tool.
PIP_AUDIT := pip-audit==2.10.1
.PHONY: audit
audit: $(PY)
	$(PY) -m pip show --quiet pip-audit >/dev/null 2>&1 || $(PY) -m pip install --quiet $(PIP_AUDIT)
	$(VENV)/bin/pip-audit --strict -r requirements-dev.txt

# The database and MEDIA_ROOT into a new folder with checksums (newsroom/backups.py), and back:
# `make restore BACKUP_DIR=backups/…` refuses a database that has tables unless RESTORE_ARGS=--force.
BACKUP_DIR ?= backups/$(shell date -u +%Y%m%dT%H%M%SZ)
.PHONY: backup restore
backup: $(VENV)/.installed
	$(PY) manage.py backup $(BACKUP_DIR)

restore: $(VENV)/.installed
	$(PY) manage.py restore $(BACKUP_DIR) $(RESTORE_ARGS)
