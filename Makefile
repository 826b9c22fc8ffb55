# Each target creates or reuses .venv, so a fresh clone needs only Python 3.11+ and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CUSTOMERS ?= 20000

.PHONY: install chromium demo test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,spark]"
	touch $(STAMP)

install: $(STAMP)

chromium:
	scripts/install-chromium

demo: $(STAMP)
	$(BIN)/cx demo demo --customers $(CUSTOMERS)

test: $(STAMP) chromium
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/demo.py
	$(BIN)/python bench/metrics.py
	$(BIN)/python bench/journeys.py
	$(BIN)/python bench/voice_eval.py
	$(BIN)/python bench/voice.py
	$(BIN)/python bench/clv.py
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) demo bench/out artifacts .pytest_cache .mypy_cache .ruff_cache .hypothesis
