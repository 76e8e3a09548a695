#!/usr/bin/env bash
# Runs one job jar through the project's spark-submit (pyspark in .venv), the way Airflow does.
#   scripts/spark-submit.sh silver --date 2024-02-03 [--run-id ...]
# Environment: ALTAVIZ_SPARK_MASTER (default local[2]), ALTAVIZ_DRIVER_MEMORY (default 2g),
# ALTAVIZ_SPARK_CONF (extra "--conf k=v ..." words), ALTAVIZ_DRIVER_JAVA_OPTS (driver JVM options).
# A lake or raw landing on s3a:// (--lake/--raw, else ALTAVIZ_LAKE/ALTAVIZ_RAW) adds the jars of
# dist/ext/ (ALTAVIZ_EXT_DIR) with --jars and the ALTAVIZ_S3_* settings as Spark confs (README.md,
# Lake on object storage). Credentials come from the AWS provider chain (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment, a profile, an instance role): never a command-line word.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
job="${1:?usage: scripts/spark-submit.sh simulator|bronze|silver|gold|export|maintenance [job options]}"
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
# archive instead of parsing and verifying them again: a faster start of every stage run
# (measured in bench/RESULTS.md).
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

# The lake on object storage: s3a:// needs hadoop-aws and its AWS SDK bundle (dist/ext/) and, for
# the DynamoDB log store, Delta's delta-storage-s3-dynamodb (placed in dist/ext/ by the user):
# a cluster supplies them, the job jars do not carry them.
S3_ARGS=()
uses_s3a() {
  local prev="" a
  local lake="${ALTAVIZ_LAKE:-}" raw="${ALTAVIZ_RAW:-}"
  for a in "$@"; do
    case "$prev" in --lake) lake="$a" ;; --raw) raw="$a" ;; esac
    case "$a" in --lake=*) lake="${a#--lake=}" ;; --raw=*) raw="${a#--raw=}" ;; esac
    prev="$a"
  done
  [[ "$lake" == s3a://* || "$raw" == s3a://* ]]
}
if uses_s3a "$@"; then
  ext="${ALTAVIZ_EXT_DIR:-$ROOT/dist/ext}"
  ext_jars="$(ls "$ext"/*.jar 2>/dev/null | paste -sd, -)"
  [ -n "$ext_jars" ] || { echo "spark-submit.sh: an s3a:// lake needs the jars of $ext; run 'make build'" >&2; exit 2; }
  S3_ARGS+=(--jars "$ext_jars")
  s3conf() { [ -z "$2" ] || S3_ARGS+=(--conf "$1=$2"); }
  endpoint="${ALTAVIZ_S3_ENDPOINT:-}"
  s3conf spark.hadoop.fs.s3a.endpoint "$endpoint"
  s3conf spark.hadoop.fs.s3a.endpoint.region "${ALTAVIZ_S3_REGION:-}"
  s3conf spark.hadoop.fs.s3a.path.style.access "${ALTAVIZ_S3_PATH_STYLE:-}"
  [[ "$endpoint" != http://* ]] || s3conf spark.hadoop.fs.s3a.connection.ssl.enabled false
  # Delta's log store for s3a: single-driver (Delta's default: one writer per table at a time)
  # or dynamodb (S3DynamoDBLogStore: concurrent writers from any number of drivers)
  case "${ALTAVIZ_S3_LOGSTORE:-single}" in
    single) ;;
    dynamodb)
      ddb=spark.io.delta.storage.S3DynamoDBLogStore
      s3conf spark.delta.logStore.s3a.impl io.delta.storage.S3DynamoDBLogStore
      s3conf "$ddb.ddb.tableName" "${ALTAVIZ_S3_DDB_TABLE:-}"
      s3conf "$ddb.ddb.region" "${ALTAVIZ_S3_DDB_REGION:-${ALTAVIZ_S3_REGION:-}}" ;;
    *) echo "spark-submit.sh: ALTAVIZ_S3_LOGSTORE is single or dynamodb, not '$ALTAVIZ_S3_LOGSTORE'" >&2; exit 2 ;;
  esac
fi

# shellcheck disable=SC2086
cmd=("$SPARK_HOME/bin/spark-submit"
  --master "${ALTAVIZ_SPARK_MASTER:-local[2]}"
  --driver-memory "${ALTAVIZ_DRIVER_MEMORY:-2g}"
  --conf "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:$ROOT/config/log4j2.properties ${CDS_OPTS[*]} $JIT_OPTS ${ALTAVIZ_DRIVER_JAVA_OPTS:-}"
  --conf spark.ui.showConsoleProgress=false
  "${S3_ARGS[@]}"
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
