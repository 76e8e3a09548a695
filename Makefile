# Altaviz compressor-health ETL. Quick start: `make demo`, `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
MVN ?= mvn -B
JOBS := simulator bronze silver gold export maintenance
RUFF := .venv/bin/ruff

.PHONY: help setup build dist demo test test-java test-py lint fmt bench pg-url pg-stop airflow \
	airflow-stop airflow-run-day constraints clean

help:
	@echo "make demo | test | lint | fmt | setup | build | bench | airflow | airflow-stop | airflow-run-day DAY=... | pg-url | pg-stop | clean"

setup:  ## .venv with spark-submit + Airflow, local PostgreSQL
	@scripts/setup.sh

build:  ## shaded job jars into dist/
	$(MVN) -q -DskipTests package
	@$(MAKE) -s dist

# dist/ext/: the cluster jars of an s3a:// lake (jobs/ext/pom.xml), added by spark-submit.sh
dist:
	@mkdir -p dist/ext && for j in $(JOBS); do cp jobs/$$j/target/altaviz-$$j.jar dist/; done
	@cp -u jobs/ext/target/ext/*.jar dist/ext/

demo: setup build  ## whole pipeline on 7 days x 10 compressors, then a summary
	@scripts/demo.sh

# pytest: any test may run on either worker, and an idle worker takes queued tests from the
# other (worksteal), so no table of test durations is needed to balance the two; expensive
# fixtures are built once per session and shared by both (build_once in tests/conftest.py)
test: setup lint  ## every test: Java unit tests, shaded-jar checks, end-to-end and DAG tests
	$(MVN) -T 2 package
	@$(MAKE) -s dist
	.venv/bin/pytest -q -n 2 --dist worksteal --durations=25 tests

# Python: ruff (ruff.toml, pinned in airflow/requirements.txt); Java: google-java-format through
# Spotless (pom.xml), whose check also runs in every mvn build (validate phase)
lint:  ## fails on a lint error or an unformatted file; `make fmt` fixes most of them
	@test -x $(RUFF) || { echo "lint: $(RUFF) missing: run make setup" >&2; exit 2; }
	$(RUFF) check .
	$(RUFF) format --check .
	$(MVN) -q spotless:check

fmt:  ## formats the tree in place: ruff's safe fixes and formatter, mvn spotless:apply
	@test -x $(RUFF) || { echo "fmt: $(RUFF) missing: run make setup" >&2; exit 2; }
	$(RUFF) check --fix-only -q .
	$(RUFF) format -q .
	$(MVN) -q spotless:apply

bench: setup build  ## benchmarks; results appended to bench/RESULTS.md
	@bench/run.sh

pg-url:  ## libpq URL of the configured PostgreSQL: psql "$$(make -s pg-url)"
	@scripts/pg.sh url

pg-stop:
	@scripts/pg.sh stop

airflow: setup build  ## local Airflow (API/UI on 127.0.0.1:8080) with our DAGs; Ctrl-C stops it
	@airflow/standalone.sh

airflow-stop:  ## stops the local Airflow of this checkout, every process it started
	@airflow/standalone.sh stop

# one given UTC day through the REST API, e.g. make airflow-run-day DAY=2024-02-03 CONF=start_from=silver
airflow-run-day:
	@test -n "$(DAY)" || { echo "usage: make airflow-run-day DAY=YYYY-MM-DD [CONF='start_from=silver skip_export=true']" >&2; exit 2; }
	@.venv/bin/python scripts/airflow_run_day.py $(DAY) $(CONF)

constraints:  ## re-resolve airflow/constraints.txt from airflow/requirements.txt
	.venv/bin/pip install -q -r airflow/requirements.txt
	(echo "# Resolved versions of airflow/requirements.txt (pip freeze of .venv)."; .venv/bin/pip freeze) > airflow/constraints.txt

clean:
	$(MVN) -q clean
	rm -rf dist data
