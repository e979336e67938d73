# T-Rex: `make run` serves the API with the embedded defaults; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The graphql-http audit (tests/node, npm ci from its lockfile; skipped without npm).
NODE_TESTS := tests/node/node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint types layers unit schema openapi graph clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	./scripts/vendor-graphiql.sh
	./scripts/vendor-single-spa.sh
	touch $(STAMP)

$(NODE_TESTS): tests/node/package-lock.json
	./scripts/install-node-tests.sh

run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/trex serve

# Every test on the embedded stack (SQLite, in-process events), then the integration and
# end-to-end tests again on the scale-out stack (PostgreSQL and Redis on this machine).
test: lint types layers $(NODE_TESTS)
	$(BIN)/pytest -q
	TREX_TEST_STACK=scaleout $(BIN)/pytest -q tests/integration tests/e2e

# Benchmarks (bench/): every part in one run of about ten minutes, each level bounded in time,
# the load from a separate process on loopback; results in var/bench/ and the README's section.
# `make bench BENCH_ARGS=--quick` is a one-minute smoke run (it leaves the README alone).
# Then (i) what tracing costs, sampled at 0, 1, 10 and 100%, against tracing off and a control
# pair (`bench.observability`, about five minutes; OBSERVABILITY_ARGS, e.g. `--seconds 2 --rounds 1`).
bench: $(STAMP)
	$(BIN)/python -m bench --readme README.md $(BENCH_ARGS)
	$(BIN)/python -m bench.observability $(OBSERVABILITY_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy app schema workflows resolvers sandbox vehicles tests bench

layers: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

schema: $(STAMP)
	$(BIN)/trex schema > schema/schema.graphql
	$(BIN)/python -m resolvers.possible_types > schema/possible-types.json

openapi: $(STAMP)
	$(BIN)/python -c 'import json; from app.web.openapi import openapi_document as d; print(json.dumps(d(), indent=2))' > schema/openapi.json

graph: $(STAMP)
	$(BIN)/trex graph

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache tests/node/node_modules
