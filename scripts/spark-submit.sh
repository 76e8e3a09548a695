#!/usr/bin/env bash
# Runs one job jar through the project's spark-submit (pyspark in .venv), the way Airflow does.
#   scripts/spark-submit.sh silver --date 2024-02-03 [--run-id ...]
# Environment: ALTAVIZ_SPARK_MASTER (default local[2]), ALTAVIZ_DRIVER_MEMORY (default 2g),
# ALTAVIZ_SPARK_CONF (extra "--conf k=v ..." words), ALTAVIZ_DRIVER_JAVA_OPTS (driver JVM options).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
job="${1:?usage: scripts/spark-submit.sh simulator|bronze|silver|gold|export [job options]}"
shift
jar="$ROOT/dist/altaviz-$job.jar"
[ -f "$jar" ] || { echo "spark-submit.sh: $jar not built; run 'make build'" >&2; exit 2; }
SPARK_HOME="$(echo "$ROOT"/.venv/lib/python3*/site-packages/pyspark)"
[ -x "$SPARK_HOME/bin/spark-submit" ] || { echo "spark-submit.sh: no pyspark in .venv; run 'make setup'" >&2; exit 2; }
export SPARK_HOME
# bind to loopback: no traffic leaves the machine in local mode, and no hostname warning
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec "$SPARK_HOME/bin/spark-submit" \
  --master "${ALTAVIZ_SPARK_MASTER:-local[2]}" \
  --driver-memory "${ALTAVIZ_DRIVER_MEMORY:-2g}" \
  --conf "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:$ROOT/config/log4j2.properties ${ALTAVIZ_DRIVER_JAVA_OPTS:-}" \
  --conf spark.ui.showConsoleProgress=false \
  ${ALTAVIZ_SPARK_CONF:-} \
  "$jar" "$@"
