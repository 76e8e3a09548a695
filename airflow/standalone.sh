#!/usr/bin/env bash
# Local Airflow 3 for the Altaviz DAGs (`make airflow`): `airflow standalone` (API server + UI,
# scheduler, DAG processor, triggerer; LocalExecutor, SQLite) from .venv, on our dags/ folder,
# with the stage jars of dist/ and the local PostgreSQL of scripts/pg.sh. Stop it with Ctrl-C.
#
#   AIRFLOW_PORT   UI/API port on 127.0.0.1 (default 8080)
#   ALTAVIZ_RAW / ALTAVIZ_LAKE / ALTAVIZ_ALERT_WEBHOOK   as for the jobs (defaults: data/raw,
#                  data/lake, no webhook)
#
# Connections come from environment variables (AIRFLOW_CONN_*), built here from scripts/pg.sh:
# nothing secret is written to disk by this script. No Airflow Variables are used: the DAGs'
# settings are the ALTAVIZ_* environment variables below (see dags/altaviz_jobs.py).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

[ -x .venv/bin/airflow ] || { echo "standalone.sh: no Airflow in .venv; run 'make setup'" >&2; exit 2; }
missing=""
for job in bronze silver gold export maintenance; do
  [ -f "dist/altaviz-$job.jar" ] || missing="$missing $job"
done
[ -z "$missing" ] || echo "standalone.sh: warning: dist/ lacks jars:$missing ('make build')" >&2

scripts/pg.sh start
eval "$(scripts/pg.sh env)"

# --- Airflow itself ---------------------------------------------------------------------------
export AIRFLOW_HOME="$ROOT/.airflow"          # metadata DB, logs, generated password (git-ignored)
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
PORT="${AIRFLOW_PORT:-8080}"
export AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT="$PORT"
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$PORT"   # links in alerts point here
mkdir -p "$AIRFLOW_HOME"

# --- Spark: spark-submit of .venv's pyspark (same version as the jars' Spark) ----------------
SPARK_HOME="$(echo "$ROOT"/.venv/lib/python3*/site-packages/pyspark)"
export SPARK_HOME
# The Spark provider runs `spark-submit` from PATH (it rejects a spark-home in the connection).
export PATH="$ROOT/.venv/bin:$PATH"
# Bind Spark to loopback: local mode sends nothing over the network.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export AIRFLOW_CONN_SPARK_DEFAULT='{"conn_type": "spark", "host": "local[2]"}'

# --- PostgreSQL (export, alerts) ---------------------------------------------------------------
AIRFLOW_CONN_ALTAVIZ_POSTGRES="$(.venv/bin/python - <<'PY'
import os
from urllib.parse import quote

user, password = os.environ["ALTAVIZ_PG_USER"], os.environ.get("ALTAVIZ_PG_PASSWORD", "")
auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
print(f"postgresql://{auth}@{os.environ['ALTAVIZ_PG_HOST']}:{os.environ['ALTAVIZ_PG_PORT']}"
      f"/{os.environ['ALTAVIZ_PG_DB']}")
PY
)"
export AIRFLOW_CONN_ALTAVIZ_POSTGRES

# --- the DAGs' settings (read by the DAG processor; dags/altaviz_jobs.py) ---------------------
export ALTAVIZ_JAR_DIR="$ROOT/dist"
export ALTAVIZ_CONFIG="$ROOT/config/etl_config.yaml"
export ALTAVIZ_LOG4J="$ROOT/config/log4j2.properties"
export ALTAVIZ_RAW="${ALTAVIZ_RAW:-$ROOT/data/raw}"
export ALTAVIZ_LAKE="${ALTAVIZ_LAKE:-$ROOT/data/lake}"

# The simple auth manager (forced by `airflow standalone`) generates the admin password on the
# first start and keeps it in this file (Airflow 3.3: [core] simple_auth_manager_passwords_file,
# default $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated).
PASSWORDS="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"

banner() {
  local password
  password="$(.venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["admin"])' "$PASSWORDS")"
  cat <<EOF

  ====================================================================================
  Airflow UI:  http://127.0.0.1:$PORT      login: admin / $password
               (password kept in $PASSWORDS)
  DAGs:        altaviz_medallion (daily), altaviz_maintenance (weekly); unpause one to
               run it, or tick "Unpause on trigger" in the Trigger / Backfill dialog.
  Backfill:    AIRFLOW_HOME=$AIRFLOW_HOME .venv/bin/airflow backfill create \\
                 --dag-id altaviz_medallion --from-date 2024-02-01 --to-date 2024-02-07 \\
                 --max-active-runs 1
  Data:        raw $ALTAVIZ_RAW  lake $ALTAVIZ_LAKE
               PostgreSQL $(scripts/pg.sh url)
  Stop:        Ctrl-C
  ====================================================================================

EOF
}

echo "standalone.sh: starting Airflow $(.venv/bin/airflow version 2>/dev/null) in $AIRFLOW_HOME" >&2
# Print the address and the login once the UI answers (the first start migrates the DB first).
# A watcher in the background, because Airflow itself must run in the foreground: a background
# job of a script ignores Ctrl-C, and `airflow standalone` stops its components on Ctrl-C.
airflow_pid=$$
(
  for _ in $(seq 1 300); do
    kill -0 "$airflow_pid" 2>/dev/null || exit 0
    if [ -s "$PASSWORDS" ] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      banner
      exit 0
    fi
    sleep 1
  done
) &
exec .venv/bin/airflow standalone
