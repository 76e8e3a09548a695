#!/usr/bin/env bash
# The whole pipeline on demo data: simulate 10 compressors x 7 days, run bronze, silver, gold,
# export through spark-submit (as Airflow would, one batch over all data), print a summary.
# Re-running is safe: every stage is idempotent, so the results are the same.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
eval "$(scripts/pg.sh env)"
RAW="${ALTAVIZ_RAW:-data/raw}"
LAKE="${ALTAVIZ_LAKE:-data/lake}"
RUN_ID="demo__$(date -u +%Y%m%dT%H%M%S)"
declare -a names times

run() {
  local job="$1"; shift
  local t0; t0=$(date +%s%N)
  scripts/spark-submit.sh "$job" "$@"
  names+=("$job"); times+=($(( ($(date +%s%N) - t0) / 1000000 )))
}

# ALTAVIZ_DEMO_INCIDENT=station-offline:STN-002@2024-02-05 (or sensor-shift:...): the demo data
# with an incident for the quality checks to catch (README.md, Quality report)
run simulator --raw "$RAW" --seed 42 ${ALTAVIZ_DEMO_INCIDENT:+--incident "$ALTAVIZ_DEMO_INCIDENT"}
for stage in bronze silver gold export; do
  run "$stage" --raw "$RAW" --lake "$LAKE" --run-id "$RUN_ID"
done

echo
echo "================================================================================"
echo "ALTAVIZ DEMO COMPLETE  run_id=$RUN_ID  raw=$RAW  lake=$LAKE"
echo "================================================================================"
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
total=0
for i in "${!names[@]}"; do
  printf '  %-10s %6s s\n' "${names[$i]}" "$(secs "${times[$i]}")"
  [ "${names[$i]}" = simulator ] || total=$((total + times[i]))
done
printf '  %-10s %6s s  (bronze..export through spark-submit)\n' "stages" "$(secs "$total")"
echo
scripts/pg_summary.sh
echo
echo "Look around:  psql \"\$(make -s pg-url)\"   (queries in README.md)"
report="$LAKE/reports/$RUN_ID/index.html"
if [ -f "$report" ]; then
  echo "Quality report: $(cd "$(dirname "$report")" && pwd)/index.html  (README.md, Quality report)"
else
  echo "Quality report: $report (not on the local disk; the silver log above says where)"
fi
