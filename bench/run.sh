#!/usr/bin/env bash
# The pipeline benchmarks through the shipped jars; each prints its tables and appends them, with
# the machine description and the targets, to bench/RESULTS.md.
#   bench/run.sh                  both, one after the other (about 70 minutes on 2 cores)
#   bench/run.sh scaling [...]    10 / 100 / 1,000 / 4,500 compressors x 7 days, wall time and
#                                 peak RSS per stage, then one new day at 4,500 (pipeline_bench.py,
#                                 about 30 minutes; --scales 10,100 a quick subset, see --help)
#   bench/run.sh history [...]    one new day at 4,500 with 7, 90 and 365 days of history
#                                 (history_bench.py, about 40 minutes; see --help)
# Needs the jars in dist/ (make build) and PostgreSQL (scripts/pg.sh start; make bench does both).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
for job in simulator bronze silver gold export maintenance; do
  [ -f "$ROOT/dist/altaviz-$job.jar" ] || { echo "bench/run.sh: dist/altaviz-$job.jar missing; run 'make build'" >&2; exit 2; }
done
"$ROOT/scripts/pg.sh" start >/dev/null 2>&1 || "$ROOT/scripts/pg.sh" start
py="$ROOT/.venv/bin/python"
case "${1:-}" in
  scaling) shift; exec "$py" "$ROOT/bench/pipeline_bench.py" "$@" ;;
  history) shift; exec "$py" "$ROOT/bench/history_bench.py" "$@" ;;
  "") "$py" "$ROOT/bench/pipeline_bench.py" && exec "$py" "$ROOT/bench/history_bench.py" ;;
  *) echo "usage: bench/run.sh [scaling|history [options]]" >&2; exit 2 ;;
esac
