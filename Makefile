# screener: `make help` lists the targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install lint format test test-cluster deploy-check unit integration demo demo-stop bench dev-up dev-down clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv with the project and its development tools

# setuptools announces every editable install in a ten-line box: PYTHONWARNINGS quiets it.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: install ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

dev-up: install ## start local Kafka (KRaft) and Redis on loopback
	$(BIN)/screener dev up

dev-down: install ## stop what dev-up started
	$(BIN)/screener dev down

unit: install ## the pure core's tests (no Kafka, no Redis)
	sh deploy/dev/install-prometheus.sh
	$(BIN)/pytest tests/unit -q

test: install ## everything: starts real Kafka and Redis, runs unit, integration, promtool and browser tests
	$(BIN)/screener dev up
	sh deploy/dev/install-chromium.sh
	sh deploy/dev/install-prometheus.sh
	$(BIN)/pytest tests -ra

test-cluster: install ## the cluster suite: starts a 3-broker Kafka and a Redis Cluster, tests, stops them
	$(BIN)/pytest tests/cluster -m cluster -ra

deploy-check: install ## lint the Dockerfile, the compose file and the Helm chart (helm, kubeconform, hadolint)
	bash deploy/check/run.sh

demo: install ## start Kafka, Redis, the worker and the API; play traffic with scams; show what was held
	$(BIN)/python -m screener.demo

demo-stop: ## stop the worker and the API that `make demo` left running
	$(BIN)/python -m screener.demo stop

bench: install ## worker throughput and latency on local Kafka and Redis; writes BENCHMARKS.md
	$(BIN)/python -m screener.bench

clean: ## remove the virtualenv and caches (the Kafka jars cache outside the repo stays)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
