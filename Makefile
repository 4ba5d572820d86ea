# Yoyaku — every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13: python3.13 on PATH when it works, else the newest pyenv 3.13.x.
PYTHON ?= $(shell for p in python3.13 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13.*/bin/python3.13 2>/dev/null | sort -V | tail -n 1); do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
BIN := $(VENV)/bin
export PYTHONPATH := functions:.
export SAM_CLI_TELEMETRY := 0

.PHONY: help venv run test test-unit test-integration test-e2e test-web lint lint-web lint-openapi bench openapi sam-validate build checkov clean web

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements-dev.txt layers/dependencies/requirements.txt layers/dependencies/requirements-no-deps.txt layers/postal_codes/requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.13 not found: install it (pyenv install 3.13) or set PYTHON=/path/to/python3.13"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	@test -n "$(PYTHON)" || { echo "Python 3.13 not found"; exit 1; }
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet -r requirements-sam.txt
	@touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	@test -n "$(PYTHON)" || { echo "Python 3.13 not found"; exit 1; }
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements-checkov.txt
	@touch $@

venv: $(BIN)/.installed ## create the development virtual environment

# The citizen web app (web/): npm ci from the committed lock file, then a build whenever
# a source, the lock file or the API description (its types come from it) changed.
WEB_SOURCES := $(shell find web/src web/static web/scripts -type f 2>/dev/null) \
	web/package.json web/svelte.config.js web/vite.config.ts web/tsconfig.json docs/openapi.json

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/build/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build --silent

web: web/build/index.html ## build the web app (web/build) when its sources changed

run: $(BIN)/.installed web tools/openapi/node_modules/.installed ## start the whole service (web app at /, API at /v1, API reference at /docs) on http://127.0.0.1:3000 (PORT=8080 make run: another port)
	$(BIN)/python -m local

test: $(BIN)/.installed tools/openapi/node_modules/.installed ## unit, integration (moto), end-to-end (HTTP) and web (unit + browser) tests
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-web

# Browser tests drive Debian's chromium (apt-get install chromium fonts-noto-cjk).
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

test-web: $(BIN)/.installed web ## the web app's unit tests (vitest) and browser tests (Playwright + axe)
	cd web && npm run test:unit --silent
	@test -x "$(CHROMIUM_PATH)" || { echo "chromium not found at $(CHROMIUM_PATH): apt-get install -y chromium fonts-noto-cjk"; exit 1; }
	cd web && PYTHON=$(abspath $(BIN))/python npm run test:browser --silent

test-unit: $(BIN)/.installed
	$(BIN)/python -m pytest tests/unit

test-integration: $(BIN)/.installed
	$(BIN)/python -m pytest tests/integration

test-e2e: $(BIN)/.installed
	$(BIN)/python -m pytest tests/e2e

lint: $(BIN)/.installed $(SAM_VENV)/.installed lint-web lint-openapi ## ruff, mypy, import-linter, cfn-lint, sam validate --lint, svelte-check, Redocly (OpenAPI)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/cfn-lint template.yaml
	PATH="$(abspath $(BIN)):$$PATH" $(SAM_VENV)/bin/sam validate --lint --region ap-northeast-1

# Redocly CLI (lint) and Swagger UI (the /docs page of the local runtime) from their own
# lock file in tools/openapi.
tools/openapi/node_modules/.installed: tools/openapi/package-lock.json
	cd tools/openapi && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint-openapi: tools/openapi/node_modules/.installed ## docs/openapi.json against Redocly's recommended rules (no error allowed)
	cd tools/openapi && ./node_modules/.bin/redocly lint ../../docs/openapi.json --config redocly.yaml --format=stylish

lint-web: web/node_modules/.installed ## the web app's type and accessibility checks (svelte-check)
	cd web && npm run check --silent

checkov: $(CHECKOV_VENV)/.installed ## scan template.yaml (accepted failures: docs/architecture.md)
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --compact --quiet || true

bench: $(BIN)/.installed web ## measure request counts, cold start, web JS size and LCP (see benchmarks/)
	$(BIN)/python -m benchmarks

openapi: $(BIN)/.installed ## regenerate docs/openapi.json from the Powertools resolvers
	$(BIN)/python -m yoyaku.api.openapi > docs/openapi.json

build: $(BIN)/.installed $(SAM_VENV)/.installed ## sam build (no Docker needed)
	PATH="$(abspath $(BIN)):$$PATH" $(SAM_VENV)/bin/sam build
	# Lambda cannot write bytecode: ship it compiled, or every cold start compiles.
	# (aenum, a line-bot-sdk dependency, ships a Python 2 module that is never imported.)
	$(BIN)/python -m compileall -q -j 0 --invalidation-mode unchecked-hash \
		-x '/aenum/_py2\.py$$' .aws-sam/build

clean: ## remove virtual environments and build output
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
	rm -rf web/node_modules web/build web/.svelte-kit web/test-results
