# Stride: `make run` brings the system up on 127.0.0.1; `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The Lambda runtime is python3.13; pyenv provides it here (.python-version pins 3.13.0 for its shim).
PYTHON ?= python3.13
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: help install run test unit integration lint format validate bench openapi openapi-check invoke build deploy

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 13), "need Python 3.13 (the Lambda runtime), got " + sys.version'
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP) ## Create or reuse the venv and install everything

run: $(STAMP) ## Bring the whole system up on 127.0.0.1 with demo athletes (ARGS=--no-seed to skip them)
	$(PY) -m infrastructure.local_cloud $(ARGS)

test: $(STAMP) ## Run every test (unit and integration through the local cloud)
	$(PY) -m pytest $(ARGS)

unit: $(STAMP) ## Unit tests only
	$(PY) -m pytest tests/unit $(ARGS)

integration: $(STAMP) ## Integration tests only (they start the local cloud on free ports)
	$(PY) -m pytest tests/integration $(ARGS)

lint: $(STAMP) ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP) ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

validate: $(STAMP) ## cfn-lint and sam validate --lint on template.yaml, and the OpenAPI document is current
	$(VENV)/bin/cfn-lint template.yaml
	$(VENV)/bin/sam validate --lint --template template.yaml --region $(AWS_DEFAULT_REGION)
	$(PY) -m infrastructure.openapi --out docs/openapi.json --check

bench: $(STAMP) ## Benchmarks (ratios against the named baselines, side by side in one run)
	$(PY) -m benchmarks $(ARGS)

openapi: $(STAMP) ## Regenerate docs/openapi.json from the code
	$(PY) -m infrastructure.openapi --out docs/openapi.json

invoke: $(STAMP) ## Run one function on one event in-process: make invoke FN=GetAthleteFunction EVENT=events/api/get_athlete.json
	@test -n "$(FN)" -a -n "$(EVENT)" || (echo "usage: make invoke FN=<LogicalId> EVENT=events/<source>/<case>.json"; exit 2)
	$(PY) -m infrastructure.invoke $(FN) $(EVENT)

build: $(STAMP) ## sam build (no container; Python 3.13 on PATH)
	PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/sam build --template template.yaml

deploy: build ## sam deploy --config-env $(ENV) (ENV=dev by default; needs AWS credentials)
	$(VENV)/bin/sam deploy --config-env $(or $(ENV),dev)
