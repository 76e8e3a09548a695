#!/usr/bin/env bash
# Scaling benchmark of the whole pipeline: 10 / 100 / 1,000 / 4,500 compressors x 7 days
# through the shipped jars, wall time and peak RSS per stage and end to end, then one new day at
# 4,500 compressors with 7 and with 28 days of history. Prints the tables and appends them, with
# the machine description and the targets, to bench/RESULTS.md.
#   bench/run.sh                      everything (about an hour on 2 cores: 28 days at 4,500)
#   bench/run.sh --history-days 7     without the 28-day history (about 25 minutes)
#   bench/run.sh --scales 10,100      a quick subset; --no-incremental, --no-record: see --help
# Needs the jars in dist/ (make build) and PostgreSQL (scripts/pg.sh start; make bench does both).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
for job in simulator bronze silver gold export; do
  [ -f "$ROOT/dist/altaviz-$job.jar" ] || { echo "bench/run.sh: dist/altaviz-$job.jar missing; run 'make build'" >&2; exit 2; }
done
"$ROOT/scripts/pg.sh" start >/dev/null 2>&1 || "$ROOT/scripts/pg.sh" start
exec "$ROOT/.venv/bin/python" "$ROOT/bench/pipeline_bench.py" "$@"
