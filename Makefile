# peacewire: every target creates .venv on first use, so `make run` and `make test`
# are the only commands a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: help install run demo test check lint typecheck eval train-labels bench bench-dedup bench-dedup-scale bench-faults clean serve ui ui-stop

help:
	@echo "make run     create .venv, install, run one ingest (seeds + default feeds)"
	@echo "make test    run the test suite"
	@echo "make demo    ingest a local fixture site on 127.0.0.1 into data/demo.duckdb"
	@echo "make check   lint (ruff, formatter, import layers) + strict typecheck + tests (what CI runs)"
	@echo "make eval    quality gates: extraction F1 and dates (../shared/benchmarks), labels and relevance"
	@echo "             (the blind split of the real corpus, bench/corpus; the written passages as trap tests)"
	@echo "make train-labels   retrain seeds/label-model.json on the dev split of bench/corpus (scikit-learn)"
	@echo "make bench   throughput / memory benchmark on ../shared/benchmarks"
	@echo "make bench-dedup   dedup precision / recall per kind of copy"
	@echo "make bench-dedup-scale   the dedup index at 100,000 and 1,000,000 synthetic articles (~10 min)"
	@echo "make bench-faults   peak memory against stacked gzip bombs, wall time of a drip/hang probe (~6 min)"
	@echo "make serve   serve the deployments (daily ingest: cron from PEACEWIRE_CRON)"
	@echo "make ui      start a local Prefect server + UI on 127.0.0.1:4200; later runs report to it"
	@echo "make ui-stop stop it"

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.lock -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/peacewire ingest

demo: $(STAMP)
	$(BIN)/python -m tests.demo

serve: $(STAMP)
	$(BIN)/peacewire serve

ui: $(STAMP)
	$(BIN)/python -m peacewire.ui start

ui-stop: $(STAMP)
	$(BIN)/python -m peacewire.ui stop

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

eval: $(STAMP)
	$(BIN)/python -m bench.eval_extraction --shared $(SHARED)
	$(BIN)/python -m bench.eval_real
	$(BIN)/python -m bench.eval_tagging --shared $(SHARED)

train-labels: $(STAMP)
	$(BIN)/python -m pip install -q -r requirements-train.lock
	$(BIN)/python -m bench.train_labels

bench-dedup: $(STAMP)
	$(BIN)/python -m bench.dedup --shared $(SHARED)

bench-dedup-scale: $(STAMP)
	$(BIN)/python -m bench.dedup_scale

bench-faults: $(STAMP)
	$(BIN)/python -m bench.faults

bench: $(STAMP)
	$(BIN)/python -m bench.pipeline --shared $(SHARED)

clean:
	rm -rf $(VENV) data/demo.duckdb .pytest_cache .mypy_cache .ruff_cache

.PHONY: bench-stories
bench-stories: $(STAMP)
	$(BIN)/python -m bench.stories
