# Two commands do everything on a fresh machine: `make audit` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: audit test lint fuzz bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,postgres,spark]"
	touch $(STAMP)

audit: $(STAMP)
	$(BIN)/auditor audit seeds --out reports/latest

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check auditor tests benchmarks

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_properties.py -q

bench: $(STAMP)
	$(BIN)/python benchmarks/extract_bench.py

clean:
	rm -rf $(VENV) reports/latest .pytest_cache
