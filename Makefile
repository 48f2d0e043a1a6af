# Interlock — the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint format bench bench-fetch clean help

help:
	@echo "make demo    set up, then build a genuine and a trojaned demo release and scan both"
	@echo "make test    set up, then run the whole test suite"
	@echo "make test-fast  the suite without slow and end-to-end tests (the edit-test loop, under a minute)"
	@echo "make lint    ruff (lint and format check), mypy, and the import layers (lint-imports)"
	@echo "make format  reformat with ruff and apply its safe fixes"
	@echo "make bench   detection, history and speed benchmarks (fetches popular releases into .bench-cache/)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Interlock needs Python 3.11+ (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/interlock demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not e2e"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/history.py

clean:
	rm -rf $(VENV) .demo .pytest_cache
