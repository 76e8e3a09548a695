-- Dashboard views. Severity is ordered by rank (critical > warning > healthy), never by its
-- name: alphabetically "critical" < "healthy" < "warning", which put warnings above critical
-- alerts in the original dashboard (docs/data-contracts.md, v_fleet_health_summary).

CREATE FUNCTION severity_rank(severity text) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END;

-- Latest hourly aggregate per compressor of the fleet register. LATERAL + LIMIT 1 walks the
-- primary key backwards per compressor instead of scanning every hourly row.
CREATE VIEW v_latest_readings AS
SELECT m.compressor_id,
       m.model,
       m.station_id,
       s.station_name,
       a.agg_timestamp AS hour_start,
       a.reading_count,
       a.missing_readings,
       a.vibration_mms_mean,
       a.vibration_mms_max,
       a.discharge_temp_f_mean,
       a.discharge_temp_f_max,
       a.suction_pressure_psi_mean,
       a.suction_pressure_psi_min,
       a.discharge_pressure_psi_mean,
       a.discharge_pressure_psi_max,
       a.horsepower_consumption_mean,
       a.gas_flow_mcf_mean
FROM compressor_metadata m
LEFT JOIN stations s ON s.station_id = m.station_id
CROSS JOIN LATERAL (
  SELECT *
  FROM sensor_readings_agg x
  WHERE x.compressor_id = m.compressor_id AND x.window_type = '1hr'
  ORDER BY x.agg_timestamp DESC
  LIMIT 1
) a;

-- Alerts that need attention: not resolved by an operator. An episode whose readings are back
-- to normal (condition_open = false) stays here until someone resolves it, so a failure that
-- was repaired overnight is still seen in the morning.
CREATE VIEW v_active_alerts AS
SELECT a.alert_id,
       a.compressor_id,
       m.station_id,
       s.station_name,
       a.sensor,
       a.severity,
       severity_rank(a.severity) AS severity_rank,
       a.started_at,
       a.ended_at,
       a.ended_at IS NULL AS condition_open,
       a.peak_value,
       a.peak_at,
       a.threshold_value,
       a.message,
       a.acknowledged,
       a.acknowledged_by,
       a.acknowledged_at
FROM alert_history a
LEFT JOIN compressor_metadata m ON m.compressor_id = a.compressor_id
LEFT JOIN stations s ON s.station_id = m.station_id
WHERE NOT a.resolved AND NOT a.superseded
ORDER BY severity_rank(a.severity) DESC, a.started_at, a.compressor_id, a.sensor;

-- One row per compressor: health = worst severity of its active (unresolved) alerts, else
-- healthy; listed worst first.
CREATE VIEW v_fleet_health_summary AS
WITH active AS (
  SELECT compressor_id,
         max(severity_rank(severity)) AS health_rank,
         count(*) AS active_alerts,
         count(*) FILTER (WHERE severity = 'critical') AS critical_alerts,
         count(*) FILTER (WHERE severity = 'warning') AS warning_alerts,
         count(*) FILTER (WHERE ended_at IS NULL) AS open_alerts,
         count(*) FILTER (WHERE NOT acknowledged) AS unacknowledged_alerts,
         max(started_at) AS latest_alert_at
  FROM alert_history
  WHERE NOT resolved AND NOT superseded
  GROUP BY compressor_id
),
fleet AS (
  SELECT compressor_id FROM compressor_metadata
  UNION
  SELECT compressor_id FROM active
)
SELECT f.compressor_id,
       m.model,
       m.station_id,
       s.station_name,
       s.region,
       CASE coalesce(a.health_rank, 0)
         WHEN 2 THEN 'critical' WHEN 1 THEN 'warning' ELSE 'healthy' END AS health_status,
       coalesce(a.health_rank, 0) AS health_rank,
       coalesce(a.active_alerts, 0) AS active_alerts,
       coalesce(a.critical_alerts, 0) AS critical_alerts,
       coalesce(a.warning_alerts, 0) AS warning_alerts,
       coalesce(a.open_alerts, 0) AS open_alerts,
       coalesce(a.unacknowledged_alerts, 0) AS unacknowledged_alerts,
       a.latest_alert_at,
       (SELECT max(x.agg_timestamp) + interval '1 hour'
          FROM sensor_readings_agg x
         WHERE x.compressor_id = f.compressor_id AND x.window_type = '1hr') AS data_until
FROM fleet f
LEFT JOIN compressor_metadata m ON m.compressor_id = f.compressor_id
LEFT JOIN stations s ON s.station_id = m.station_id
LEFT JOIN active a ON a.compressor_id = f.compressor_id
ORDER BY health_rank DESC, f.compressor_id;

ALTER FUNCTION severity_rank(text) OWNER TO altaviz_writer;
ALTER VIEW v_latest_readings OWNER TO altaviz_writer;
ALTER VIEW v_active_alerts OWNER TO altaviz_writer;
ALTER VIEW v_fleet_health_summary OWNER TO altaviz_writer;

GRANT SELECT ON v_latest_readings, v_active_alerts, v_fleet_health_summary TO altaviz_reader;
GRANT EXECUTE ON FUNCTION severity_rank(text) TO altaviz_reader;
