# Parallel You. `make run` serves the app embedded; `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-instants lint format load bench migrate worker consumers web clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput -v 0

# Live updates are small HTML fragments sent to every open tab: compressing each one per socket
# (permessage-deflate) cost more CPU than the frame itself, so it is off (docs/benchmarks.md).
UVICORN_WS = --ws-per-message-deflate false

# Embedded: one process, no services; documents in data/parallel_you.sqlite3.
run: migrate
	@echo "Parallel You on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	PARALLEL_YOU_REPO=$${PARALLEL_YOU_REPO:-sqlite} $(BIN)/uvicorn parallel_you.asgi:application \
		--host $(HOST) --port $(PORT) --lifespan on $(UVICORN_WS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-instants

# The fast layers again at instants that have broken date code elsewhere: a Saturday, a Sunday
# 23:30, the last 30 s of a year (the run ticks into the next), 29 February, and the day Berlin
# moves its clocks forward, with Berlin as the time zone (see `--instant` in tests/conftest.py).
INSTANTS := 2026-12-05T12:00:00Z 2026-12-06T23:30:00Z 2026-12-31T23:59:30Z 2028-02-29T12:00:00Z
test-instants: $(VENV)/.dev
	@for at in $(INSTANTS); do \
		echo "tests/unit tests/web at $$at"; \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit tests/web --instant=$$at || exit 1; \
	done
	@echo "tests/unit tests/web at 2027-03-28T01:30:00Z in Europe/Berlin (the spring DST change)"
	TIME_ZONE=Europe/Berlin TZ=Europe/Berlin $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit tests/web \
		--instant=2027-03-28T01:30:00Z

load: $(VENV)/.dev
	$(BIN)/python -m tests.support.load --people 50 --seconds 60

bench: $(VENV)/.dev
	$(BIN)/python -m bench $(BENCH_ARGS)

# Distributed mode, one process each (see README): web, bus consumers, Celery worker.
web: migrate
	$(BIN)/uvicorn parallel_you.asgi:application --host $(HOST) --port $(PORT) --lifespan on $(UVICORN_WS)

consumers: $(VENV)/.runtime
	$(BIN)/python manage.py run_consumers

worker: $(VENV)/.runtime
	# A thread pool: an expiry task is a few ms of work and may wait up to ~2.5 s for its deadline.
	$(BIN)/celery -A parallel_you.celery worker --pool threads --concurrency 16 --loglevel INFO

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
