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

# Class-data sharing (JDK 17 dynamic CDS): the driver maps the classes it loads from Spark's
# class path (pyspark's jars; not the job jar's, which Spark's own class loader loads) from an
# archive instead of parsing and verifying them again, 3-5 s less per stage run (bench/RESULTS.md).
# The first silver run dumps it (silver touches the most of Spark SQL and Delta) and every run
# after maps it. The key names the JDK and the jars it was dumped from: another key means a
# stale archive (the JVM would ignore it), replaced by the next silver run. ALTAVIZ_CDS=0: off.
CDS_OPTS=()
dump=""
if [ "${ALTAVIZ_CDS:-1}" != 0 ]; then
  archive="$ROOT/dist/spark-classes.jsa"
  key="$( ("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1; stat -c '%n %s %Y' "$SPARK_HOME"/jars/*) | sha1sum | cut -c1-40)"
  if [ -f "$archive" ] && [ "$(cat "$archive.key" 2>/dev/null)" = "$key" ]; then
    CDS_OPTS=("-XX:SharedArchiveFile=$archive")
  elif [ "$job" = silver ] && [ -w "$ROOT/dist" ]; then
    find "$ROOT/dist" -name 'spark-classes.jsa.*.tmp' -mmin +60 -delete  # of killed dumps
    dump="$archive.$$.tmp"
    CDS_OPTS=("-XX:ArchiveClassesAtExit=$dump")
  fi
  # a missing, stale or unreadable archive is a lost speed-up, not an error: no CDS warnings
  CDS_OPTS+=("-Xlog:cds=off,cds+dynamic=off")
fi

# Export JIT-compiles with C1 only: its work is mostly one-off planning and PostgreSQL's, and
# C2's compiler threads took the two cores from it. Gold runs full tiered JIT and lets HotSpot
# compile huge methods: Spark's generated serializer of gold's 39-column rows exceeds HotSpot's
# 8,000-byte limit and otherwise runs interpreted for every row (bench/RESULTS.md).
# The DAG's twin: dags/altaviz_jobs.py JOB_JVM_OPTIONS.
JIT_OPTS=""
case "$job" in
  export) JIT_OPTS="-XX:TieredStopAtLevel=1" ;;
  gold) JIT_OPTS="-XX:-DontCompileHugeMethods" ;;
esac

# shellcheck disable=SC2086
cmd=("$SPARK_HOME/bin/spark-submit"
  --master "${ALTAVIZ_SPARK_MASTER:-local[2]}"
  --driver-memory "${ALTAVIZ_DRIVER_MEMORY:-2g}"
  --conf "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:$ROOT/config/log4j2.properties ${CDS_OPTS[*]} $JIT_OPTS ${ALTAVIZ_DRIVER_JAVA_OPTS:-}"
  --conf spark.ui.showConsoleProgress=false
  ${ALTAVIZ_SPARK_CONF:-}
  "$jar" "$@")
[ -n "$dump" ] || exec "${cmd[@]}"
# the dumping run keeps this shell to publish the archive only after a clean exit
set +e
"${cmd[@]}"
rc=$?
if [ "$rc" = 0 ] && [ -s "$dump" ]; then
  mv -f "$dump" "$archive" && echo "$key" > "$archive.key"
fi
rm -f "$dump"
exit "$rc"
