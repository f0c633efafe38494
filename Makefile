# The PSER portal. `make run` sets everything up and serves on http://127.0.0.1:5000; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
PO     := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: install run serve test test-browser test-postgres test-replica test-deploy test-html test-restore bench bench-scale translations-update migrate seed seed-demo clean help

help:
	@echo "make run          install, migrate, seed, serve on http://$(HOST):$(PORT)"
	@echo "make test         install if needed, run the suite without the browser journeys (SQLite, or TEST_DATABASE_URL)"
	@echo "make test-postgres the suite on a fresh PostgreSQL database $(PG_TEST_DB) (dropped and re-created)"
	@echo "make test-browser journeys in Debian's Chromium at 360 px (needs: apt-get install chromium)"
	@echo "make test-restore the backup and restore drill on PostgreSQL (needs: apt-get install age)"
	@echo "make test-replica dashboards on a real streaming replica (PostgreSQL server binaries, about 5 s)"
	@echo "make test-deploy  nginx (deploy/nginx/pser.conf) over TLS in front of two gunicorns, on PostgreSQL $(PG_DEPLOY_DB)"
	@echo "make test-html    every public page and a sample of signed-in ones through the Nu HTML checker (Java)"
	@echo "make bench        page weights and throughput figures for BENCHMARKS.md"
	@echo "make bench-scale  every page at 10 thousand and 1 million households (PostgreSQL; BENCH_SIZES)"
	@echo "make seed-demo    demo accounts and 200 households"
	@echo "make serve        gunicorn, the production server, on $(HOST):$(PORT)"

install: $(VENV)/.installed static/vendor/htmx.min.js $(MO)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed

run: seed
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: seed
	# --reuse-port: each worker listens on its own socket, so keep-alive clients spread over both (BENCHMARKS.md);
	# WEB_CONCURRENCY: the in-memory fallback of the rate limits divides each limit by the number of workers.
	WEB_CONCURRENCY=$(WORKERS) $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --threads 4 --reuse-port \
	  --access-logfile - wsgi:app

seed-demo: seed
	$(FLASK) seed-demo --households 200

test: install
	$(BIN)/pytest -m "not browser"

# A fresh database each run (the suite migrates it from empty); psql reaches the server through its own
# `postgres` database, which every PostgreSQL server has.
PG_TEST_DB   ?= pser_test
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PG_TEST_URL  ?= postgresql+psycopg://postgres@127.0.0.1:5432/$(PG_TEST_DB)
test-postgres: install
	psql -q "$(PG_ADMIN_URL)" -c "DROP DATABASE IF EXISTS $(PG_TEST_DB)" -c "CREATE DATABASE $(PG_TEST_DB)"
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not browser"

# The restore drill alone: seed, back up (age), drop, restore into a fresh database, compare every table.
# On PostgreSQL with PG_TEST_URL's server (scratch databases of its own), as `make test-postgres` also runs it.
test-restore: install
	psql -q "$(PG_ADMIN_URL)" -c "DROP DATABASE IF EXISTS $(PG_TEST_DB)" -c "CREATE DATABASE $(PG_TEST_DB)"
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest tests/ops/test_backup_restore.py

test-browser: install
	$(BIN)/pytest -m browser

test-replica: install
	PSER_TEST_REPLICA=1 $(BIN)/pytest -m replica

# The deployment as deploy/README.md sets it up: Debian's nginx (apt-get install nginx-light openssl) with the
# shipped site file, TLS, two gunicorn instances, PostgreSQL and Redis (TEST_REDIS_URL, default db 5).
PG_DEPLOY_DB ?= pser_deploy_test
test-deploy: install
	psql -q "$(PG_ADMIN_URL)" -c "DROP DATABASE IF EXISTS $(PG_DEPLOY_DB)" -c "CREATE DATABASE $(PG_DEPLOY_DB)"
	PSER_REQUIRE_DEPLOY=1 TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/$(PG_DEPLOY_DB) \
	  $(BIN)/pytest -m deploy tests/deploy; status=$$?; \
	  psql -q "$(PG_ADMIN_URL)" -c "DROP DATABASE IF EXISTS $(PG_DEPLOY_DB)"; exit $$status

# The Nu HTML checker (vnu-jar from the npm registry, run by Java: apt-get install default-jre-headless).
test-html: install
	PSER_REQUIRE_HTML_CHECK=1 $(BIN)/pytest -m html_check

bench: install
	$(BIN)/python bench/run.py

# PostgreSQL: BENCH_DATABASE_URL (default pser_bench on 127.0.0.1, dropped and re-created), BENCH_SIZES=10000,1000000
# Pages at 10 thousand and 1 million households, then the loader beside a raw COPY of the same rows (on a
# database of its own, emptied first). BENCH_SIZES, BENCH_COPY_HOUSEHOLDS and the URLs can be changed.
BENCH_COPY_HOUSEHOLDS ?= 1000000
BENCH_COPY_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/pser_bench_copy
bench-scale: install
	$(BIN)/python bench/scale.py
	psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS pser_bench_copy" -c "CREATE DATABASE pser_bench_copy"
	$(BIN)/python bench/bulk_load.py --database-url $(BENCH_COPY_DATABASE_URL) --households $(BENCH_COPY_HOUSEHOLDS) --source demo

translations-update: install
	$(FLASK) translate update

clean:
	rm -rf $(VENV) node_modules static/vendor static/build instance/*.sqlite3* $(MO)
