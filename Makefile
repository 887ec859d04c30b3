# Everyday commands. `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WORKERS ?= 2
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PG_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export DJANGO_SETTINGS_MODULE := fangkong.settings

.PHONY: install system-deps demo serve migrate messages test test-sqlite test-postgres lint checks vendor bench clean deploy-check upgrade-check worker

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# The Debian packages the tests need, installed with apt-get when missing (the list and why
# each is needed: scripts/system_deps.sh).
system-deps:
	bash scripts/system_deps.sh

install: system-deps $(VENV)/.installed messages

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: install
	$(PY) manage.py migrate --no-input -v 0

# Background jobs (roster solves, reports, imports) run in job workers beside the web server;
# two, so that two leaders solving at once both make progress. They stop with `make demo`.
JOB_WORKERS ?= 2
JOB_WORKER := $(PY) manage.py jobs_worker --no-reload --interval 0.5 --verbosity 0

demo: migrate
	$(PY) manage.py demo_load --if-empty
	@$(PY) manage.py demo_logins --port $(PORT)
	pids=""; for i in $$(seq $(JOB_WORKERS)); do $(JOB_WORKER) & pids="$$pids $$!"; done; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn fangkong.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --preload \
		-c python:fangkong.core.gunicorn_hooks --max-requests 5000 --max-requests-jitter 5000 --timeout 60 \
		--access-logfile - --logger-class fangkong.core.accesslog.RedactingLogger

# The job worker alone (`make serve` in another terminal serves the pages).
worker: $(VENV)/.installed
	$(JOB_WORKER)

serve: $(VENV)/.installed
	$(VENV)/bin/gunicorn fangkong.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS)

test: install checks test-sqlite test-postgres
	@echo "make test: all legs passed"

checks: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v 1
	# Types: none wrong in lib/, core/ and the screening rules; elsewhere never more than
	# mypy-baseline.json, which only shrinks (scripts/mypy_baseline.py).
	$(PY) scripts/mypy_baseline.py
	FANGKONG_ENV=production FANGKONG_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	FANGKONG_ENCRYPTION_KEYS=ci:$$(head -c 32 /dev/urandom | base64) \
	FANGKONG_BLIND_INDEX_KEY=$$(head -c 32 /dev/urandom | base64) \
	FANGKONG_ALLOWED_HOSTS=fangkong.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

# Each leg runs on TEST_WORKERS processes (pytest-xdist; 0: in this process alone).
TEST_WORKERS ?= 2
# A module's tests stay on one process: its module-scoped fixtures (a seeded gunicorn and
# Chromium for the browser tests, a loaded demo prefecture) are then set up once, not once per
# process.
TEST_DIST ?= --dist loadfile

test-sqlite: $(VENV)/.installed
	$(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS) $(TEST_DIST) --durations=15

# The PostgreSQL leg runs the tests that use the database, but not the browser tests: the
# others do not depend on the database and ran already on SQLite.
test-postgres: $(VENV)/.installed
	@if $(PY) scripts/pg_reachable.py "$(PG_URL)"; then \
		FANGKONG_DATABASE_URL="$(PG_URL)" FANGKONG_TEST_DATABASE_ONLY=1 \
			$(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS) $(TEST_DIST) --durations=15 -m "not browser"; \
	else \
		echo "PostgreSQL at $(PG_URL) is not reachable: skipping the PostgreSQL leg."; \
	fi

# The documented installation (docs/deploy.md) from nothing to a commander on the dashboard,
# and the documented upgrade from an earlier release's database, on SQLite and PostgreSQL, in
# throw-away directories. A few minutes each: not part of `make test`.
deploy-check: install
	PG_ADMIN_URL="$(PG_ADMIN_URL)" bash scripts/deploy_check.sh

upgrade-check: install
	PG_ADMIN_URL="$(PG_ADMIN_URL)" bash scripts/upgrade_check.sh

vendor:
	npm ci --no-audit --no-fund --ignore-scripts
	$(PY) scripts/vendor_static.py

bench: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -r requirements-bench.txt
	for b in bench/*.py; do $(PY) $$b --quick || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
