# Two commands do everything on a fresh machine: `make audit` and `make test`.
# `make audit` installs only what the audit needs; `make test` adds the test extras and system packages.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
AUDIT_STAMP := $(VENV)/.installed-audit
TEST_STAMP := $(VENV)/.installed-test

.PHONY: audit test lint fuzz bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(AUDIT_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $(AUDIT_STAMP)

$(TEST_STAMP): pyproject.toml $(AUDIT_STAMP)
	$(BIN)/python -m pip install -q -e ".[test,postgres,spark]"
	touch $(TEST_STAMP)

audit: $(AUDIT_STAMP)
	$(BIN)/auditor audit seeds --out reports/latest

test: $(TEST_STAMP) system-deps
	$(BIN)/python -m pytest

system-deps:
	@bash scripts/system-deps.sh

lint: $(TEST_STAMP)
	$(BIN)/ruff check auditor tests benchmarks

fuzz: $(TEST_STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_properties.py -q

bench: $(TEST_STAMP)
	$(BIN)/python -m pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/extract_bench.py

clean:
	rm -rf $(VENV) reports/latest .pytest_cache
