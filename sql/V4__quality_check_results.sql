-- Check-suite columns of data_quality_metrics, appended like those of the lake table
-- ops/quality_metrics (Schemas.QUALITY_METRICS; docs/quality-and-features.md, "Check suite").
-- Rows mirrored before this migration are fleet-wide results: scope '*'.
ALTER TABLE data_quality_metrics
  ADD COLUMN check_name  text,              -- the named check of etl_config.yaml, null for plain metrics
  ADD COLUMN kind        text,              -- completeness, range, ks_drift, ...
  ADD COLUMN table_name  text,              -- e.g. silver/sensor_readings
  ADD COLUMN scope       text NOT NULL DEFAULT '*',  -- '*' = fleet, a compressor id, 'model=<model>'
  ADD COLUMN lower_bound double precision,  -- expected band; for a gate, its limit side
  ADD COLUMN upper_bound double precision,
  ADD COLUMN p_value     double precision,  -- KS drift
  ADD COLUMN action      text,              -- warn | fail
  ADD COLUMN message     text;              -- one human line

-- A drift check has one row per sensor for the fleet and for each compressor model.
ALTER TABLE data_quality_metrics DROP CONSTRAINT data_quality_metrics_pkey;
ALTER TABLE data_quality_metrics ADD PRIMARY KEY (run_id, stage, metric, column_name, scope);

-- The report and dashboards read one check's history by interval.
CREATE INDEX data_quality_metrics_check_time_idx
  ON data_quality_metrics (check_name, interval_start DESC) WHERE check_name IS NOT NULL;

-- No new grants: altaviz_writer owns the table and altaviz_reader's SELECT covers every column
-- (V1), which keeps the least-privilege split of V1 and V3.
