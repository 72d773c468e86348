# The two commands of the public contract: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test coverage bench soak mutate screenshots backup restore install lint format clean

run: install
	$(PY) -m pinnacle.devservices run

test: install
	$(PY) -m pinnacle.devservices test $(PYTEST_ARGS)

# `make test` with the lines the suite leaves unrun, per file (fully covered files left out).
# Not in `make test`: measuring coverage nearly doubles the suite's CPU time on Python 3.11.
coverage: install
	$(PY) -m pinnacle.devservices test --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

# The pages under load at a real partnership's size and the sweeps at 1x and 10x, as ratios
# (docs/performance.md). Seeds its own database once (minutes); writes bench/results/.
bench: install
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian package)"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py

# A bounded soak (docs/reliability.md): prospects and members at a fixed rate (open loop) against
# gunicorn, a Celery worker and beat with production settings and the demo seed, 10 minutes by
# default (SOAK_SECONDS, SOAK_RATE). Fails on any error or a process's RSS growing past its bound;
# writes bench/results/soak.md. Its own database (pinnacle_soak) and Redis database (11).
soak: install
	$(PY) bench/soak.py

# Mutation testing of the core rules, on demand (not in `make test`): each module's mutants one
# at a time against the tests that run the mutated line; prints each module's score and its
# surviving mutants, writes bench/results/mutation.md. MODULE=advocates/stats.py for one
# module (the list: MODULES in tests/mutate.py). Slow: minutes per module.
mutate: install
	$(PY) -m tests.mutate $(MODULE)

# The guides' pictures (docs/images/): a browser tour of the seeded demo as each role
# (tests/e2e/test_docs_tour.py), its screenshots copied in (tests/e2e/docs_screenshots.py).
screenshots: install
	$(PY) -m tests.e2e.docs_screenshots

# The database (pg_dump, as the owner role), MEDIA_ROOT and PRIVATE_MEDIA_ROOT in one directory
# under BACKUP_DIR (default .data/backups); `make restore BACKUP=<that directory> DATABASE=<name>`
# loads one into a database (created when missing; FORCE=1 to reuse one that has tables).
# Without DATABASE_URL, both start `make run`'s embedded PostgreSQL (docs/operations-backup.md).
backup: install
	$(PY) -m pinnacle.devservices manage backup

restore: install
	@test -n "$(BACKUP)" -a -n "$(DATABASE)" || { echo "Usage: make restore BACKUP=<dir> DATABASE=<name> [FORCE=1]"; exit 2; }
	$(PY) -m pinnacle.devservices manage restore "$(BACKUP)" --database "$(DATABASE)" $(if $(FORCE),--force)

install: $(VENV)/.installed

# The development lock: the runtime pins of requirements.lock (the production image's only lock)
# and the tools `make run` / `make test` use on top (docs/dependencies.md).
$(VENV)/.installed: requirements.lock requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf .data media staticfiles tests/e2e/screenshots
