#!/usr/bin/env bash
# Export stage alone at scale: the real export jar through
# scripts/spark-submit.sh over the gold of bench/run.sh's 4,500 x 7 lake, each run into a new
# scratch PostgreSQL database (the first-export case: 976,500 aggregate buckets), then one
# incremental day (--date of the last day) re-exported into the last database.
#   bench/export.sh [RUNS=3] [COMPRESSORS=4500]
# Prints a table and appends it to bench/RESULTS.md. ALTAVIZ_DRIVER_JAVA_OPTS is passed on,
# so an A/B of JVM options is: ALTAVIZ_DRIVER_JAVA_OPTS=... bench/export.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-3}"
C="${2:-4500}"
LAKE="bench/work/pipeline/lake-$C"
RAW="bench/work/pipeline/raw-$C"
LOGS="bench/work/export-logs"
[ -d "$LAKE/gold/sensor_features" ] || {
  echo "bench/export.sh: $LAKE has no gold; run 'bench/run.sh --scales $C --no-incremental' first" >&2
  exit 2
}
scripts/pg.sh start >/dev/null
eval "$(scripts/pg.sh env)"
psql_admin() {
  PGPASSWORD="${ALTAVIZ_PG_PASSWORD:-}" psql -h "$ALTAVIZ_PG_HOST" -p "$ALTAVIZ_PG_PORT" \
    -U "$ALTAVIZ_PG_USER" -d postgres -qAtc "$1"
}
mkdir -p "$LOGS"
rows=()
last_db=""
run() {  # label db args... -> appends a table row
  local label="$1" db="$2"
  shift 2
  local log="$LOGS/$(date -u +%H%M%S)-${label//[^A-Za-z0-9]/_}.log" t0 t1
  t0=$(date +%s.%N)
  ALTAVIZ_PG_DB="$db" scripts/spark-submit.sh export --raw "$RAW" --lake "$LAKE" "$@" >"$log" 2>&1 \
    || { echo "bench/export.sh: export exited non-zero, log $log" >&2; tail -5 "$log" >&2; exit 1; }
  t1=$(date +%s.%N)
  local wall summary buckets
  wall=$(echo "$t1 - $t0" | bc)
  summary=$(grep -o 'duration=[0-9.]* s' "$log" | tail -1 | cut -d= -f2)
  buckets=$(grep -o 'sensor_readings_agg: [0-9,]* staged' "$log" | awk '{print $2}')
  rows+=("| $label | $buckets | $(printf '%.1f' "$wall") s | $summary |")
  echo "${rows[-1]}"
}
for i in $(seq 1 "$RUNS"); do
  db="altaviz_export_bench_${i}_$$"
  [ -n "$last_db" ] && psql_admin "DROP DATABASE IF EXISTS $last_db WITH (FORCE)"
  psql_admin "CREATE DATABASE $db"
  last_db="$db"
  run "$C x 7, all of gold, run $i" "$db" --run-id "export-bench-$i-$$"
done
last_day=$(ls "$LAKE/gold/sensor_features" | grep '^date=' | sort | tail -1 | cut -d= -f2)
run "$C, one day ($last_day, re-covers the lookback day)" "$last_db" --date "$last_day" \
  --run-id "export-bench-day-$$"
psql_admin "DROP DATABASE IF EXISTS $last_db WITH (FORCE)"

{
  echo
  echo "## Export alone — $(date -u '+%Y-%m-%d %H:%M UTC'), bench/export.sh at $(git rev-parse --short HEAD)"
  echo
  echo "Gold of \`$LAKE\`; wall = whole scripts/spark-submit.sh process; job = the SUMMARY"
  echo "line's duration (session start to ledger row). ALTAVIZ_DRIVER_JAVA_OPTS:"
  echo "\`${ALTAVIZ_DRIVER_JAVA_OPTS:-none}\`; load average before the last run: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| run | buckets staged | wall | job |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee -a bench/RESULTS.md
