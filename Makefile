# Parallel You. `make run` serves the app embedded; `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format load bench migrate worker consumers web clean

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

# Embedded: one process, no services; documents in data/parallel_you.sqlite3.
run: migrate
	@echo "Parallel You on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	PARALLEL_YOU_REPO=$${PARALLEL_YOU_REPO:-sqlite} $(BIN)/uvicorn parallel_you.asgi:application \
		--host $(HOST) --port $(PORT) --lifespan on

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

load: $(VENV)/.dev
	$(BIN)/python -m tests.support.load --people 50 --seconds 60

bench: $(VENV)/.dev
	$(BIN)/python -m bench $(BENCH_ARGS)

# Distributed mode, one process each (see README): web, bus consumers, Celery worker.
web: migrate
	$(BIN)/uvicorn parallel_you.asgi:application --host $(HOST) --port $(PORT) --lifespan on

consumers: $(VENV)/.runtime
	$(BIN)/python manage.py run_consumers

worker: $(VENV)/.runtime
	# A thread pool: an expiry task is a few ms of work and may wait up to ~2.5 s for its deadline.
	$(BIN)/celery -A parallel_you.celery worker --pool threads --concurrency 16 --loglevel INFO

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
