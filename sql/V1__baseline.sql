-- Altaviz compressor_health baseline: roles, tables (each with its natural key), dashboard
-- indexes. Applied by Flyway from the altaviz-export jar (`altaviz-export migrate`, or before
-- every export). Flyway records it in flyway_schema_history, so a second application is a no-op.
--
-- Run migrations as a superuser, or as a LOGIN role that is a member of altaviz_writer once a
-- DBA has created the two roles (then the CREATE ROLE blocks below skip).

-- Roles are cluster-wide: another database on the same server (a test database, a second
-- environment) may have created them already, possibly concurrently. NOLOGIN: people and
-- services log in as their own roles and are granted one of these.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'altaviz_writer') THEN
    CREATE ROLE altaviz_writer NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'altaviz_reader') THEN
    CREATE ROLE altaviz_reader NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

-- Every table carries run_id: the export run that last CHANGED the row (an export that finds
-- the same values leaves the row, and its run_id, untouched). No foreign keys from facts to
-- dimensions: dimension rows come from CSV deliveries whose completeness the lake checks
-- (silver quarantines unknown compressors); a missing dimension row must never block or,
-- through ON DELETE CASCADE, wipe facts and operator notes (docs/data-contracts.md, "PostgreSQL").

CREATE TABLE stations (
  station_id   text PRIMARY KEY,
  station_name text,
  latitude     double precision,
  longitude    double precision,
  region       text,
  state        text,
  run_id       text NOT NULL
);

CREATE TABLE compressor_metadata (
  compressor_id text PRIMARY KEY,
  model         text,
  horsepower    double precision,
  install_date  date,
  station_id    text,
  run_id        text NOT NULL
);
CREATE INDEX compressor_metadata_station_idx ON compressor_metadata (station_id);

CREATE TABLE maintenance_events (
  maintenance_id   text PRIMARY KEY,
  compressor_id    text,
  maintenance_type text,
  description      text,
  performed_at     timestamptz,
  cost_usd         double precision,
  performed_by     text,
  notes            text,
  run_id           text NOT NULL
);
CREATE INDEX maintenance_events_compressor_idx
  ON maintenance_events (compressor_id, performed_at DESC);

-- Aggregates of gold readings per compressor and UTC-aligned bucket: hour, 4 hours
-- (00:00, 04:00, ...), day. std = sample standard deviation (null with fewer than 2 values);
-- nulls are ignored. reading_count = readings received in the bucket (including readings whose
-- sensor values were rejected); missing_readings = readings expected at the 10-minute cadence
-- minus reading_count (never negative).
CREATE TABLE sensor_readings_agg (
  compressor_id               text        NOT NULL,
  window_type                 text        NOT NULL CHECK (window_type IN ('1hr', '4hr', '24hr')),
  agg_timestamp               timestamptz NOT NULL,
  vibration_mms_mean          double precision,
  vibration_mms_std           double precision,
  vibration_mms_min           double precision,
  vibration_mms_max           double precision,
  discharge_temp_f_mean       double precision,
  discharge_temp_f_std        double precision,
  discharge_temp_f_min        double precision,
  discharge_temp_f_max        double precision,
  suction_pressure_psi_mean   double precision,
  suction_pressure_psi_std    double precision,
  suction_pressure_psi_min    double precision,
  suction_pressure_psi_max    double precision,
  discharge_pressure_psi_mean double precision,
  discharge_pressure_psi_std  double precision,
  discharge_pressure_psi_min  double precision,
  discharge_pressure_psi_max  double precision,
  horsepower_consumption_mean double precision,
  horsepower_consumption_std  double precision,
  horsepower_consumption_min  double precision,
  horsepower_consumption_max  double precision,
  gas_flow_mcf_mean           double precision,
  gas_flow_mcf_std            double precision,
  gas_flow_mcf_min            double precision,
  gas_flow_mcf_max            double precision,
  reading_count               integer     NOT NULL CHECK (reading_count > 0),
  missing_readings            integer     NOT NULL CHECK (missing_readings >= 0),
  run_id                      text        NOT NULL,
  -- natural key (compressor_id, agg_timestamp, window_type), ordered for the dashboard's
  -- "one compressor, one window type, a time range" query
  PRIMARY KEY (compressor_id, window_type, agg_timestamp)
);
-- fleet-wide charts: every compressor for one window type and time range
CREATE INDEX sensor_readings_agg_window_time_idx
  ON sensor_readings_agg (window_type, agg_timestamp DESC);

-- One row per alert episode: consecutive non-normal readings of one compressor and sensor,
-- closed after export.episode_close_after_normal normal readings. The export owns every
-- column up to run_id; the operator columns below it are written only by people.
CREATE TABLE alert_history (
  alert_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  compressor_id     text        NOT NULL,
  sensor            text        NOT NULL CHECK (sensor IN ('vibration_mms', 'discharge_temp_f',
                                                         'discharge_pressure_psi',
                                                         'suction_pressure_psi')),
  started_at        timestamptz NOT NULL,  -- first non-normal reading
  ended_at          timestamptz,           -- first normal reading after the last non-normal
                                           -- one, once enough normal readings closed the
                                           -- episode; null while it is open
  last_abnormal_at  timestamptz NOT NULL,
  severity          text        NOT NULL CHECK (severity IN ('warning', 'critical')),
  peak_value        double precision NOT NULL,  -- highest value (lowest for suction pressure)
  peak_at           timestamptz NOT NULL,
  threshold_value   double precision NOT NULL,  -- the limit of `severity` that was crossed
  abnormal_readings integer     NOT NULL CHECK (abnormal_readings > 0),
  message           text        NOT NULL CHECK (message <> ''),
  superseded        boolean     NOT NULL DEFAULT false,  -- no longer in gold, kept because an
                                                         -- operator worked on it
  run_id            text        NOT NULL,
  acknowledged      boolean     NOT NULL DEFAULT false,
  acknowledged_by   text,
  acknowledged_at   timestamptz,
  resolved          boolean     NOT NULL DEFAULT false,
  resolved_at       timestamptz,
  notes             text,
  CONSTRAINT alert_history_episode_key UNIQUE (compressor_id, sensor, started_at),
  CHECK (ended_at IS NULL OR ended_at > last_abnormal_at),
  CHECK (last_abnormal_at >= started_at)
);
-- active alerts (v_active_alerts, v_fleet_health_summary) are the unresolved ones
CREATE INDEX alert_history_unresolved_idx
  ON alert_history (compressor_id, severity) WHERE NOT resolved AND NOT superseded;
CREATE INDEX alert_history_started_idx ON alert_history (started_at DESC);

-- Mirror of lake table ops/quality_metrics (Schemas.QUALITY_METRICS).
CREATE TABLE data_quality_metrics (
  run_id         text        NOT NULL,
  stage          text        NOT NULL,
  metric         text        NOT NULL,
  column_name    text        NOT NULL,  -- sensor column, compressor id, or '*'
  interval_start timestamptz,
  interval_end   timestamptz,
  value          double precision,
  limit_value    double precision,
  status         text        NOT NULL,  -- pass | warn | fail
  computed_at    timestamptz NOT NULL,
  PRIMARY KEY (run_id, stage, metric, column_name)
);
CREATE INDEX data_quality_metrics_metric_time_idx
  ON data_quality_metrics (metric, interval_start DESC);
CREATE INDEX data_quality_metrics_failures_idx
  ON data_quality_metrics (computed_at DESC) WHERE status <> 'pass';

-- Mirror of the run ledger ops/pipeline_runs (RunLedger.SCHEMA). A stage run that is retried
-- under the same run id has one row per attempt, hence started_at in the key.
CREATE TABLE pipeline_runs (
  run_id           text        NOT NULL,
  stage            text        NOT NULL,
  started_at       timestamptz NOT NULL,
  interval_start   timestamptz,
  interval_end     timestamptz,
  input_table      text,
  input_version    bigint,
  output_table     text,
  output_version   bigint,
  rows_in          bigint      NOT NULL,
  rows_out         bigint      NOT NULL,
  rows_quarantined bigint      NOT NULL,
  status           text        NOT NULL,
  message          text,
  finished_at      timestamptz NOT NULL,
  duration_ms      bigint      NOT NULL,
  spark_app_id     text,
  PRIMARY KEY (run_id, stage, started_at)
);
CREATE INDEX pipeline_runs_started_idx ON pipeline_runs (started_at DESC);

-- Written by the Airflow DAG's failure and deadline callbacks (docs/runbook.md, alerts), not by the export.
-- IF NOT EXISTS: a callback creates this same table when a run fails before any export has
-- migrated the database (dags/altaviz_notify.py), so it may already be there.
CREATE TABLE IF NOT EXISTS pipeline_notifications (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dag_id     text        NOT NULL,
  run_id     text,
  task_id    text,
  kind       text        NOT NULL,  -- e.g. task_failure, deadline_missed
  message    text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS pipeline_notifications_created_idx
  ON pipeline_notifications (created_at DESC);

-- The writer role owns (and so may write) every table; the read-only role is what dashboards
-- use.
ALTER TABLE stations OWNER TO altaviz_writer;
ALTER TABLE compressor_metadata OWNER TO altaviz_writer;
ALTER TABLE maintenance_events OWNER TO altaviz_writer;
ALTER TABLE sensor_readings_agg OWNER TO altaviz_writer;
ALTER TABLE alert_history OWNER TO altaviz_writer;
ALTER TABLE data_quality_metrics OWNER TO altaviz_writer;
ALTER TABLE pipeline_runs OWNER TO altaviz_writer;
ALTER TABLE pipeline_notifications OWNER TO altaviz_writer;

GRANT USAGE ON SCHEMA public TO altaviz_writer, altaviz_reader;
GRANT SELECT ON stations, compressor_metadata, maintenance_events, sensor_readings_agg,
  alert_history, data_quality_metrics, pipeline_runs, pipeline_notifications TO altaviz_reader;
