#!/usr/bin/env bash
# Provisions the tool chain: .venv (pyspark's spark-submit, Airflow, test tools) and a local
# PostgreSQL. Idempotent: a second run only checks and returns.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || PY=python3
stamp=.venv/.requirements.sha
want="$(cat airflow/requirements.txt airflow/constraints.txt | sha256sum | cut -c1-64)"
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: creating .venv with $("$PY" --version) (pyspark, Airflow 3, providers)..." >&2
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r airflow/requirements.txt -c airflow/constraints.txt
  echo "$want" > "$stamp"
fi
scripts/pg.sh start
