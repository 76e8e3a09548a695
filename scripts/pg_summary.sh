#!/usr/bin/env bash
# Short summary of what the export left in PostgreSQL (read back from the database):
# rows per table, alert episodes per compressor, fleet health. `make demo` ends with it.
# Connection: ALTAVIZ_PG_* (as for the export jar) via scripts/pg.sh url; a password in
# ALTAVIZ_PG_PASSWORD reaches psql through PGPASSWORD, never on the command line.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
URL="$("$ROOT/scripts/pg.sh" url)"
if [ -n "${ALTAVIZ_PG_PASSWORD:-}" ]; then
  export PGPASSWORD="$ALTAVIZ_PG_PASSWORD"
fi
export PGTZ=UTC

q() { psql "$URL" -X -q -v ON_ERROR_STOP=1 -P footer=off "$@"; }

if ! psql "$URL" -X -Atqc "select 1" >/dev/null 2>&1; then
  echo "pg_summary.sh: cannot reach PostgreSQL at ${URL}" >&2
  exit 1
fi
if [ "$(psql "$URL" -X -Atqc "select to_regclass('public.alert_history') is not null")" != t ]; then
  echo "pg_summary.sh: ${URL} has no export tables yet (run the export stage)" >&2
  exit 1
fi

echo "PostgreSQL ${URL}"
echo
echo "Rows per table"
q -c "
select t.name as table, t.n as rows from (
            select 'stations' as name, (select count(*) from stations) as n, 1 as o
  union all select 'compressor_metadata', (select count(*) from compressor_metadata), 2
  union all select 'maintenance_events', (select count(*) from maintenance_events), 3
  union all select 'sensor_readings_agg', (select count(*) from sensor_readings_agg), 4
  union all select '  of which 1hr', (select count(*) from sensor_readings_agg where window_type = '1hr'), 5
  union all select '  of which 4hr', (select count(*) from sensor_readings_agg where window_type = '4hr'), 6
  union all select '  of which 24hr', (select count(*) from sensor_readings_agg where window_type = '24hr'), 7
  union all select 'alert_history', (select count(*) from alert_history), 8
  union all select 'data_quality_metrics', (select count(*) from data_quality_metrics), 9
  union all select 'pipeline_runs', (select count(*) from pipeline_runs), 10
  union all select 'pipeline_notifications', (select count(*) from pipeline_notifications), 11
) t order by t.o"
echo "Alert episodes per compressor (compressors without alerts are not listed)"
q -c "
select compressor_id,
       count(*) as episodes,
       count(*) filter (where severity = 'critical') as critical,
       count(*) filter (where severity = 'warning') as warning,
       count(*) filter (where ended_at is null) as open,
       string_agg(distinct sensor, ', ' order by sensor) as sensors,
       min(started_at) as first_started
from alert_history
where not superseded
group by compressor_id
order by compressor_id"
echo "Fleet health (v_fleet_health_summary, worst first)"
q -c "
select compressor_id, health_status, active_alerts, critical_alerts, warning_alerts, open_alerts,
       data_until
from v_fleet_health_summary"
