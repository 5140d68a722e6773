# 双万 Shuangwan — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test unit bench servers install browser clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) node_modules/.installed

## Start every service on the embedded default with demo data, and print the URLs.
run: install
	$(VENV)/bin/shuangwan run

# Browser tests drive Debian's Chromium (test tools' own browser downloads are not used), with a
# Chinese font so the citizens' pages render (and their screenshots show) real characters.
browser:
	@{ command -v chromium >/dev/null && fc-list :lang=zh | grep -q .; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei; }

## Set everything up, start real Kafka and FerretDB, run the whole suite.
test: install browser
	$(PY) -m tests.harness install
	$(PY) -m pytest tests

## Unit tests only (no servers).
unit: install
	$(PY) -m pytest tests/unit

## Start Kafka and FerretDB for working against them by hand.
servers: install
	$(PY) -m tests.harness serve

## Benchmarks (bench/, with the `bench` extras that install installs): a table of ratios against
## baselines run alongside, written to BENCHMARKS.md. `$(PY) -m bench --quick` is the fast pass.
bench: install
	$(PY) -m tests.harness install
	$(PY) -m bench

clean:
	rm -rf var test-artifacts
