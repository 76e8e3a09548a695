#!/usr/bin/env bash
# Local Airflow 3 for the Altaviz DAGs: the four components `airflow standalone` runs (API server
# + UI, scheduler, DAG processor, triggerer; LocalExecutor, SQLite) from .venv, on our dags/
# folder, with the stage jars of dist/ and the local PostgreSQL of scripts/pg.sh.
#
#   airflow/standalone.sh          start in the foreground (`make airflow`); Ctrl-C or SIGTERM
#                                  stops every component
#   airflow/standalone.sh stop     stop the instance started from this checkout (`make
#                                  airflow-stop`), also one started in the background
#   airflow/standalone.sh status   the components' process ids and listening sockets
#
#   AIRFLOW_PORT   UI/API port on 127.0.0.1 (default 8080)
#   ALTAVIZ_RAW / ALTAVIZ_LAKE / ALTAVIZ_ALERT_WEBHOOK   as for the jobs (defaults: data/raw,
#                  data/lake, no webhook)
#
# Sized for a 2-core machine: at most 2 task processes (the medallion DAG runs one task at a
# time), one API worker, one parsing process. Nothing listens beyond 127.0.0.1: the API server
# binds there, and the scheduler and triggerer do not start their log servers (which bind every
# interface); the API server reads the task logs from $AIRFLOW_HOME/logs, on this machine.
# Each component runs in a session of its own, recorded in $AIRFLOW_HOME/standalone.pids, so
# stopping one stops its workers, task processes and spark-submit children too.
#
# Connections come from environment variables (AIRFLOW_CONN_*), built here from scripts/pg.sh:
# nothing secret is written to disk by this script. No Airflow Variables are used: the DAGs'
# settings are the ALTAVIZ_* environment variables below (see dags/altaviz_jobs.py).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export AIRFLOW_HOME="$ROOT/.airflow"          # metadata DB, logs, generated password (git-ignored)
PIDS="$AIRFLOW_HOME/standalone.pids"
STOPPING="$AIRFLOW_HOME/standalone.stopping"   # present while `stop` runs

# Each component is started by setsid, so it leads a session of its own; its workers and task
# processes stay in that session even where Airflow gives a task a process group of its own.
session_members() {
  local sid
  for sid in $(cut -d' ' -f1 "$PIDS"); do
    ps -eo pid=,sid= | awk -v s="$sid" '$2 == s {print $1}'
  done
}

# Stops the components listed in $PIDS and everything in their sessions: SIGTERM to each
# component's process group (the components shut their workers down), after 15 s SIGTERM to
# whatever is left in their sessions, after 30 s SIGKILL.
stop_components() {
  [ -s "$PIDS" ] || return 0
  local pg left
  for pg in $(cut -d' ' -f1 "$PIDS"); do kill -TERM -- "-$pg" 2>/dev/null || true; done
  for i in $(seq 1 30); do
    left="$(session_members)"
    [ -n "$left" ] || break
    # shellcheck disable=SC2086
    [ "$i" != 15 ] || kill -TERM $left 2>/dev/null || true
    sleep 1
  done
  left="$(session_members)"
  if [ -n "$left" ]; then
    echo "standalone.sh: killing what is still running after 30 s:" $left >&2
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
  fi
  rm -f "$PIDS"
}

case "${1:-start}" in
  stop)
    if [ -s "$PIDS" ]; then
      echo "standalone.sh: stopping $(cut -d' ' -f2 "$PIDS" | paste -sd' ')" >&2
      touch "$STOPPING"
      stop_components
      rm -f "$STOPPING"
      # not Airflow's: the dashboard database of the demo and the DAGs' export, shared with them
      echo "standalone.sh: stopped; PostgreSQL $(scripts/pg.sh url) keeps running" \
           "(make pg-stop stops it)" >&2
    else
      echo "standalone.sh: nothing to stop (no $PIDS)" >&2
    fi
    exit 0 ;;
  status)
    [ -s "$PIDS" ] || { echo "not running"; exit 3; }
    while read -r pg name; do
      if kill -0 -- "-$pg" 2>/dev/null; then echo "$name: process group $pg"; else echo "$name: gone"; fi
    done < "$PIDS"
    exit 0 ;;
  start) ;;
  *) echo "usage: airflow/standalone.sh [start|stop|status]" >&2; exit 2 ;;
esac

[ -x .venv/bin/airflow ] || { echo "standalone.sh: no Airflow in .venv; run 'make setup'" >&2; exit 2; }
missing=""
for job in bronze silver gold export maintenance; do
  [ -f "dist/altaviz-$job.jar" ] || missing="$missing $job"
done
[ -z "$missing" ] || echo "standalone.sh: warning: dist/ lacks jars:$missing ('make build')" >&2

scripts/pg.sh start
eval "$(scripts/pg.sh env)"

# --- Airflow itself ---------------------------------------------------------------------------
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
# what `airflow standalone` forces: tasks run on this machine, the built-in login
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
PORT="${AIRFLOW_PORT:-8080}"
export AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT="$PORT"
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$PORT"   # links in alerts point here
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$PORT/execution/"
# sized for 2 cores (Airflow's defaults: 32 task processes, 4 API workers, 2 parsers)
export AIRFLOW__CORE__PARALLELISM=2
export AIRFLOW__API__WORKERS=1
export AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES=1
export AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK=False   # its server would bind every interface
mkdir -p "$AIRFLOW_HOME"
rm -f "$STOPPING"
if [ -s "$PIDS" ]; then
  while read -r pg name; do
    if kill -0 -- "-$pg" 2>/dev/null; then
      echo "standalone.sh: Airflow is already running from $ROOT ($name, process group $pg);" \
           "stop it first: make airflow-stop" >&2
      exit 1
    fi
  done < "$PIDS"
  rm -f "$PIDS"
fi

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
# A fresh checkout has no landing zone: the default one gets the demo's simulated fleet (what
# `make demo` lands: 10 compressors, 2024-02-01..07), so the DAGs have dimension files and
# days to backfill, and a scheduled run of today is a day without readings. A configured
# ALTAVIZ_RAW is used as it is: a missing landing root or dimension file stays an error.
if [ -z "${ALTAVIZ_RAW:-}" ] && [ ! -e "$ROOT/data/raw/compressor_metadata.csv" ]; then
  echo "standalone.sh: no landing data yet: simulating the demo fleet into data/raw" >&2
  scripts/spark-submit.sh simulator --raw "$ROOT/data/raw" --seed 42 \
    >"$AIRFLOW_HOME/simulator.log" 2>&1 \
    || { tail -20 "$AIRFLOW_HOME/simulator.log" >&2; exit 1; }
fi
export ALTAVIZ_RAW="${ALTAVIZ_RAW:-$ROOT/data/raw}"
export ALTAVIZ_LAKE="${ALTAVIZ_LAKE:-$ROOT/data/lake}"

# The simple auth manager generates the admin password on the API server's
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
  Run a day:   make airflow-run-day DAY=2024-02-03   (scripts/airflow_run_day.py)
  Stop:        Ctrl-C, or make airflow-stop from another shell
  ====================================================================================

EOF
}

echo "standalone.sh: starting Airflow $(.venv/bin/airflow version 2>/dev/null) in $AIRFLOW_HOME" >&2
.venv/bin/airflow db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 \
  || { tail -20 "$AIRFLOW_HOME/db-migrate.log" >&2; exit 1; }

trap 'trap - INT TERM; echo "standalone.sh: stopping Airflow" >&2; stop_components; exit 0' INT TERM
: > "$PIDS"
# setsid: a session per component (its workers and task processes included), which is what
# stop_components stops; the output goes to one log per component.
start_component() {
  local name="$1"; shift
  setsid .venv/bin/airflow "$@" >"$AIRFLOW_HOME/$name.out" 2>&1 < /dev/null &
  echo "$! $name" >> "$PIDS"
}
start_component api-server api-server --host 127.0.0.1 --port "$PORT"
start_component scheduler scheduler --skip-serve-logs
start_component dag-processor dag-processor
start_component triggerer triggerer --skip-serve-logs

# Print the address and the login once the UI answers; the API server writes the password
# file on its first start.
for _ in $(seq 1 300); do
  if [ -s "$PASSWORDS" ] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    banner
    break
  fi
  sleep 1
done
echo "standalone.sh: component output in $AIRFLOW_HOME/{api-server,scheduler,dag-processor,triggerer}.out" >&2
# Stay in the foreground while every component runs; if one dies, stop the rest.
while :; do
  if [ -e "$STOPPING" ] || [ ! -s "$PIDS" ]; then
    while [ -e "$STOPPING" ]; do sleep 1; done
    echo "standalone.sh: Airflow was stopped (make airflow-stop)" >&2
    exit 0
  fi
  while read -r pg name; do
    if ! kill -0 "$pg" 2>/dev/null; then
      echo "standalone.sh: $name exited; stopping Airflow (see $AIRFLOW_HOME/$name.out)" >&2
      stop_components
      exit 1
    fi
  done < "$PIDS"
  sleep 2 & wait $!
done
