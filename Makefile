# relcrm — developer commands. `make run` to try it, `make test` to check it.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# The first Python >= 3.12 on this machine: PATH first, then pyenv's versions.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.1[2-9]; do \
	  if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v "$$p"; break; fi; \
	done)

.PHONY: help venv run test bench lock check clean

help:
	@echo "make run    start relcrm on http://127.0.0.1:$(PORT) with a demo account (SQLite, no servers needed)"
	@echo "make test   run the whole test suite on PostgreSQL and Redis"
	@echo "make venv   create or update .venv with the locked dependencies"
	@echo "make bench  run the benchmarks"
	@echo "make lock   re-pin requirements*.lock from pyproject.toml"

$(BIN)/.installed: requirements.lock requirements-dev.lock
	@if [ -z "$(PYTHON)" ]; then echo "relcrm needs Python 3.12 or newer; none was found on PATH or in ~/.pyenv." >&2; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@touch $@

venv: $(BIN)/.installed

run: venv
	$(BIN)/python -m relcrm.run --port $(PORT)

test: venv
	$(BIN)/python -m pytest -n $${TEST_WORKERS:-auto} --dist loadgroup $(ARGS)

bench: venv
	$(BIN)/python -m bench

check: venv
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# Needs network access to PyPI; commit both lock files afterwards.
lock: venv
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache .hypothesis
