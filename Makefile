# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test lint format record bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): $(STAMP_RUN)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(STAMP_RUN)
	$(BIN)/python -m reconciler.demo

lint: $(STAMP_DEV)
	$(BIN)/ruff check reconciler tests bench
	$(BIN)/ruff format --check reconciler tests bench

format: $(STAMP_DEV)
	$(BIN)/ruff check --fix reconciler tests bench
	$(BIN)/ruff format reconciler tests bench

# The suite mostly waits on loopback HTTP, paced calls and subprocesses: three workers halve it.
test: lint
	$(BIN)/python -m pytest -q -n 3

record: $(STAMP_DEV)
	$(BIN)/python -m pytest -q tests/zoom/test_cassettes.py --record-mode=rewrite

bench: $(STAMP_DEV)
	$(BIN)/python bench/run.py

soak: $(STAMP_DEV)
	$(BIN)/python -m pytest -q -m slow

clean:
	rm -rf $(VENV) .zoomplans build *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
