# Two commands: `make run` serves the site with demo data, `make test` runs every test.
# Both set everything up first and are safe to re-run.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEBIAN_PACKAGES := postgresql-15-postgis-3 gdal-bin chromium wrk
HOST ?= 127.0.0.1
PORT ?= 8000

export DATABASE_URL ?= postgis://postgres@127.0.0.1:5432/lagportal
# Mail in development is written to files a person can read (see README).
export EMAIL_FILE_PATH ?= $(CURDIR)/var/mail
# Use the local Redis for the cache (rate limits shared by gunicorn workers) when it answers.
REDIS_LOCAL := $(shell (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && echo redis://127.0.0.1:6379/0)
export REDIS_URL ?= $(REDIS_LOCAL)

.PHONY: run test setup system-packages database venv demo bench clean

run: setup demo
	@echo "Serving LAG Portal on http://$(HOST):$(PORT)/  (mail is written to $(EMAIL_FILE_PATH))"
	@$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn lagportal.wsgi --bind $(HOST):$(PORT) --workers 2 --no-control-socket \
	    --access-logfile -

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest --durations=15 $(PYTEST_ARGS)

setup: system-packages venv database
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0

demo: setup
	$(BIN)/python manage.py load_demo

# Debian packages the project needs (PostGIS, GDAL, Chromium for browser tests, wrk for
# benchmarks), installed only when missing and only where we can (root with apt-get).
system-packages:
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    had_server=$$(dpkg -s postgresql-15 >/dev/null 2>&1 && echo yes); \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	    if [ -z "$$had_server" ]; then .ci/trust-local-postgres; fi; \
	  else \
	    echo "Missing Debian packages:$$missing — install them, or point DATABASE_URL at a PostGIS server."; \
	  fi; \
	fi; \
	if command -v pg_lsclusters >/dev/null 2>&1; then \
	  pg_lsclusters --no-header | while read version cluster port status rest; do \
	    case "$$status" in down*) echo "Starting PostgreSQL $$version/$$cluster"; \
	      pg_ctlcluster --skip-systemctl-redirect $$version $$cluster start;; esac; \
	  done; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	$(BIN)/python -c "import django, playwright, django_tasks_db"
	touch $@

database: venv
	$(BIN)/python manage.py prepare_database

bench: setup demo
	$(BIN)/python -m tests.bench.run

clean:
	rm -rf $(VENV) var staticfiles
