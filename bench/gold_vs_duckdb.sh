#!/usr/bin/env bash
# Gold stage vs DuckDB on the same silver data.
#   bench/gold_vs_duckdb.sh [COMPRESSORS=4500] [DAYS=7]
# 1. silver-shaped input: a deterministic synthetic silver table + bronze dimensions
#    (jobs/gold test class GoldBenchData; cached under bench/work/), exported to Parquet;
#    GOLD_BENCH_SOURCE=pipeline instead runs dist/ simulator -> bronze -> silver jars.
# 2. the real gold stage through scripts/spark-submit.sh (local[2], 2g driver): one run over
#    everything (a fresh table), then one incremental day (--date of the last day);
#    processing = the job's own "session ready -> Delta commit" time, wall = whole process.
# 3. the twelve rolling features as one DuckDB SQL query on the Parquet copy (best of 2).
# Prints a table and appends it to bench/RESULTS.md. Needs dist/altaviz-gold.jar and Maven.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
C="${1:-4500}"
D="${2:-7}"
SOURCE="${GOLD_BENCH_SOURCE:-synthetic}"
WORK="$ROOT/bench/work"
LAKE="$WORK/lake-${SOURCE}-${C}x${D}"
PARQUET="$WORK/silver-${SOURCE}-${C}x${D}.parquet"
RESULTS="$ROOT/bench/RESULTS.md"
mkdir -p "$WORK"
[ -f dist/altaviz-gold.jar ] || { echo "gold_vs_duckdb: dist/altaviz-gold.jar missing; run 'make build'" >&2; exit 2; }

echo "== building the benchmark classpath (jobs/gold test classes, DuckDB JDBC)" >&2
mvn -q -pl jobs/gold test-compile
mvn -q -pl jobs/gold dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/gold-test.classpath" >/dev/null
CP="jobs/gold/target/test-classes:jobs/gold/target/classes:$(cat "$WORK/gold-test.classpath")"
OPENS="$(sed -n '/<spark.add-opens>/,/<\/spark.add-opens>/p' pom.xml | grep -o -- '--add-opens=[^ ]*' | tr '\n' ' ')"
bench_java() {
  # shellcheck disable=SC2086
  java -Xmx3g $OPENS -Dlog4j2.configurationFile="file:$ROOT/jobs/common/src/test/resources/log4j2-test.properties" \
    -cp "$CP" "$@"
}

echo "== input: $C compressors x $D days ($SOURCE)" >&2
START_DATE=2024-02-01
if [ "$SOURCE" = pipeline ]; then
  if [ ! -f "$LAKE/_bench_data_complete" ]; then
    for j in simulator bronze silver; do
      [ -f "dist/altaviz-$j.jar" ] || { echo "gold_vs_duckdb: dist/altaviz-$j.jar missing" >&2; exit 2; }
    done
    rm -rf "$LAKE" "$WORK/raw-${C}x${D}"
    scripts/spark-submit.sh simulator --raw "$WORK/raw-${C}x${D}" --compressors "$C" --days "$D" \
      --start-date "$START_DATE" --seed 42 2>"$WORK/simulator.log"
    scripts/spark-submit.sh bronze --raw "$WORK/raw-${C}x${D}" --lake "$LAKE" --run-id bench-input 2>"$WORK/bronze.log"
    scripts/spark-submit.sh silver --raw "$WORK/raw-${C}x${D}" --lake "$LAKE" --run-id bench-input 2>"$WORK/silver.log"
    bench_java com.altaviz.etl.gold.GoldBenchData --export-only "$LAKE" "$PARQUET"
  fi
else
  bench_java com.altaviz.etl.gold.GoldBenchData "$LAKE" "$PARQUET" "$C" "$D"
fi

LAST_DAY="$(date -u -d "$START_DATE + $((D - 1)) days" +%F)"
run_gold() {  # name, args...: sets WALL, PROC, CPU, ROWS
  local name="$1"; shift
  local log="$WORK/gold-$name.log" t0 t1
  t0=$(date +%s.%N)
  scripts/spark-submit.sh gold --lake "$LAKE" "$@" 2>"$log" || { tail -20 "$log" >&2; exit 1; }
  t1=$(date +%s.%N)
  WALL=$(echo "$t1 - $t0" | bc -l | xargs printf '%.1f')
  local line
  line=$(grep -o 'Gold processing (session ready -> Delta commit): .*' "$log")
  PROC=$(echo "$line" | awk '{print $8}')
  CPU=$(echo "$line" | awk '{print $10}' | tr -d "(")
  ROWS=$(grep -o 'rows_out=[0-9]*' "$log" | cut -d= -f2)
}
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== gold: everything in one run (fresh table)" >&2
rm -rf "$LAKE/gold" "$LAKE/ops"
run_gold all --run-id "bench-all-$(date +%s)"
ALL_WALL=$WALL ALL_PROC=$PROC ALL_CPU=$CPU ALL_ROWS=$ROWS
echo "== gold: one incremental day ($LAST_DAY)" >&2
run_gold day --date "$LAST_DAY" --run-id "bench-day-$(date +%s)"
DAY_WALL=$WALL DAY_PROC=$PROC DAY_CPU=$CPU DAY_ROWS=$ROWS
echo "== DuckDB: the twelve rolling features on the Parquet copy" >&2
DUCK="$(bench_java com.altaviz.etl.gold.GoldDuckDbBench "$PARQUET" "$WORK/duckdb" | grep '^duckdb ')"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
field() { echo "$DUCK" | grep -o "$1=[^ ]*" | cut -d= -f2; }
DUCK_ROWS=$(field rows) DUCK_CTAS=$(field ctas_s) DUCK_COPY=$(field copy_s)
DUCK_CTAS_CPU=$(field ctas_cpu_s) DUCK_COPY_CPU=$(field copy_cpu_s)
DUCK_VERSION=$(field version) DUCK_THREADS=$(field threads)
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }

TABLE="$(cat <<TXT
| measurement | rows | wall s | CPU s | ratio to DuckDB in-memory: wall / CPU |
|---|---:|---:|---:|---:|
| gold, $D days in one run: processing (session ready → Delta commit) | $ALL_ROWS | $ALL_PROC | $ALL_CPU | $(ratio "$ALL_PROC" "$DUCK_CTAS") / $(ratio "$ALL_CPU" "$DUCK_CTAS_CPU") |
| gold, $D days in one run: whole spark-submit process | $ALL_ROWS | $ALL_WALL | | $(ratio "$ALL_WALL" "$DUCK_CTAS") / |
| gold, one incremental day ($LAST_DAY; writes 2 days): processing | $DAY_ROWS | $DAY_PROC | $DAY_CPU | |
| gold, one incremental day: whole spark-submit process | $DAY_ROWS | $DAY_WALL | | |
| DuckDB $DUCK_VERSION ($DUCK_THREADS threads): twelve features into an in-memory table | $DUCK_ROWS | $DUCK_CTAS | $DUCK_CTAS_CPU | 1 / 1 |
| DuckDB: twelve features written to one Parquet file | $DUCK_ROWS | $DUCK_COPY | $DUCK_COPY_CPU | $(ratio "$DUCK_COPY" "$DUCK_CTAS") / $(ratio "$DUCK_COPY_CPU" "$DUCK_CTAS_CPU") |
TXT
)"
echo
echo "$TABLE"
echo
if [ ! -f "$RESULTS" ]; then
  {
    echo "# Benchmark results"
    echo
    echo "Appended by the scripts in bench/. Machine:"
    echo
    echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores visible"
    echo "- memory: $(free -g | awk '/^Mem:/ {print $2}') GB; OS: $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- $(java -version 2>&1 | head -1); Spark 3.5.9 local[2], Delta 3.3.2, 2g driver"
    echo "- shared with other jobs: every section records the load average around its run"
    echo
  } > "$RESULTS"
fi
{
  echo "## gold vs DuckDB — $(date -u '+%Y-%m-%d %H:%M UTC'), $C compressors × $D days ($SOURCE input)"
  echo
  echo "Load average (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER."
  echo "Gold output has 39 columns; DuckDB computes the twelve rolling features only."
  echo "CPU = process CPU time (user + system) of the same interval: on a shared machine the"
  echo "CPU ratio is the load-independent comparison, the wall ratio the one the target names."
  echo
  echo "$TABLE"
  echo
} >> "$RESULTS"
echo "appended to bench/RESULTS.md" >&2
