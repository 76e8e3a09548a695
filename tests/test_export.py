"""The export jar (dist/altaviz-export.jar) through the real spark-submit against the real
PostgreSQL: Flyway migrations inside the shaded jar, a hand-made lake written with delta-rs,
idempotent re-runs, a killed connection, an unreachable server, `make pg-url`,
scripts/pg_summary.sh, and the whole demo pipeline (simulator -> bronze -> silver -> gold ->
export). Every test uses its own scratch database altaviz_test_<random>."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg2
import pyarrow as pa
import pytest
from deltalake import write_deltalake

from conftest import DEMO_RUN_ID, DIST, ROOT, pg_settings, run_job, run_stage

DAY = datetime(2024, 2, 1, tzinfo=UTC)
SENSORS = (
    "vibration_mms",
    "discharge_temp_f",
    "suction_pressure_psi",
    "discharge_pressure_psi",
    "horsepower_consumption",
    "gas_flow_mcf",
)
EXPORT_TABLES = {  # table -> natural key (ORDER BY of a dump)
    "stations": "station_id",
    "compressor_metadata": "compressor_id",
    "maintenance_events": "maintenance_id",
    "sensor_readings_agg": "compressor_id, window_type, agg_timestamp",
    "alert_history": "compressor_id, sensor, started_at",
    "data_quality_metrics": "run_id, stage, metric, column_name, scope",
    "pipeline_runs": "run_id, stage, started_at",
    "pipeline_notifications": "id",
}


# ---------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def export_jar() -> Path:
    jar = DIST / "altaviz-export.jar"
    if not jar.exists():
        pytest.fail(f"{jar} not built; run 'make build' (make test does)")
    return jar


def _connect(env: dict, db: str | None = None):
    return psycopg2.connect(
        host=env["ALTAVIZ_PG_HOST"],
        port=int(env["ALTAVIZ_PG_PORT"]),
        user=env["ALTAVIZ_PG_USER"],
        dbname=db or env["ALTAVIZ_PG_DB"],
        password=env.get("ALTAVIZ_PG_PASSWORD"),
    )


@pytest.fixture
def scratch_db():
    """Connection environment of a fresh database on the test server; dropped afterwards."""
    server = pg_settings()
    name = "altaviz_test_" + uuid.uuid4().hex[:12]
    admin = _connect(server, "postgres")
    admin.autocommit = True
    with admin.cursor() as c:
        c.execute(f"CREATE DATABASE {name}")
    try:
        yield {**server, "ALTAVIZ_PG_DB": name}
    finally:
        with admin.cursor() as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def _rows(env: dict, sql: str) -> list[tuple]:
    conn = _connect(env)
    try:
        with conn.cursor() as c:
            c.execute("SET TIME ZONE 'UTC'")
            c.execute(sql)
            return c.fetchall()
    finally:
        conn.close()


def _dump(env: dict) -> dict[str, list[tuple]]:
    return {t: _rows(env, f"SELECT * FROM {t} ORDER BY {key}") for t, key in EXPORT_TABLES.items()}


def _vibration(compressor: str, t: datetime) -> float:
    """COMP-002: warning 10:00-10:50 with a critical 9.1 at 10:20, normal otherwise."""
    if compressor == "COMP-002" and DAY + timedelta(hours=10) <= t < DAY + timedelta(hours=11):
        return 9.1 if t == DAY + timedelta(hours=10, minutes=20) else 6.5
    return 3.0


def _gold_table(readings: list[tuple[str, datetime]]) -> pa.Table:
    """Gold rows with every contract column of gold/sensor_features (Schemas.GOLD_FEATURES)."""
    ts = pa.timestamp("us", tz="UTC")
    n = len(readings)
    cols: dict[str, pa.Array] = {
        "compressor_id": pa.array([c for c, _ in readings], pa.string()),
        "timestamp": pa.array([t for _, t in readings], ts),
        "vibration_mms": pa.array([_vibration(c, t) for c, t in readings], pa.float64()),
        "discharge_temp_f": pa.array([200.0] * n, pa.float64()),
        "suction_pressure_psi": pa.array([50.0] * n, pa.float64()),
        "discharge_pressure_psi": pa.array([1000.0] * n, pa.float64()),
        "horsepower_consumption": pa.array([1400.0] * n, pa.float64()),
        "gas_flow_mcf": pa.array([10000.0 + i % 7 for i in range(n)], pa.float64()),
        "operating_hours": pa.array([1000.0] * n, pa.float64()),
        "model": pa.array(["Ajax DPC-360"] * n, pa.string()),
        "station_id": pa.array(["STN-01"] * n, pa.string()),
        "rated_horsepower": pa.array([1500.0] * n, pa.float64()),
    }
    for f in (
        "vibration_1hr_mean",
        "vibration_1hr_std",
        "vibration_1hr_max",
        "temp_1hr_mean",
        "temp_1hr_std",
        "pressure_1hr_mean",
        "vibration_4hr_mean",
        "temp_4hr_mean",
        "pressure_4hr_mean",
        "vibration_24hr_mean",
        "temp_24hr_mean",
        "pressure_24hr_mean",
    ):
        cols[f] = pa.nulls(n, pa.float64())
    cols["readings_1hr"] = pa.array([1] * n, pa.int64())
    cols["readings_24hr"] = pa.array([1] * n, pa.int64())
    for f in (
        "temp_1hr_delta",
        "pressure_differential",
        "hp_utilization",
        "days_since_maintenance",
    ):
        cols[f] = pa.nulls(n, pa.float64())
    vib = [_vibration(c, t) for c, t in readings]
    status = ["critical" if v >= 8 else "warning" if v >= 6 else "normal" for v in vib]
    cols["vibration_status"] = pa.array(status, pa.string())
    cols["temp_status"] = pa.array(["normal"] * n, pa.string())
    cols["pressure_status"] = pa.array(["normal"] * n, pa.string())
    cols["overall_status"] = pa.array(status, pa.string())
    cols["hour_of_day"] = pa.array([t.hour for _, t in readings], pa.int32())
    cols["day_of_week"] = pa.array([t.isoweekday() for _, t in readings], pa.int32())
    cols["is_weekend"] = pa.array([t.isoweekday() >= 6 for _, t in readings], pa.bool_())
    cols["date"] = pa.array([t.date() for _, t in readings], pa.date32())
    cols["_run_id"] = pa.array(["fixture"] * n, pa.string())
    return pa.table(cols)


@pytest.fixture
def fixture_lake(tmp_path) -> Path:
    """Gold for 2024-02-01 (COMP-001 healthy, COMP-002 one critical vibration episode) and the
    bronze dimension tables, written by delta-rs: an independent Delta writer."""
    lake = tmp_path / "lake"
    readings = [
        (c, DAY + timedelta(minutes=10 * i)) for i in range(144) for c in ("COMP-001", "COMP-002")
    ]
    write_deltalake(
        str(lake / "gold/sensor_features"), _gold_table(readings), partition_by=["date"]
    )
    lineage = {
        "_ingested_at": pa.array([DAY], pa.timestamp("us", tz="UTC")),
        "_source_file": pa.array(["raw/x.csv"]),
        "_run_id": pa.array(["fixture"]),
    }
    write_deltalake(
        str(lake / "bronze/stations"),
        pa.table(
            {
                "station_id": ["STN-01"],
                "station_name": ["Permian North"],
                "latitude": [31.9],
                "longitude": [-102.1],
                "region": ["Permian"],
                "state": ["TX"],
                **lineage,
            }
        ),
    )
    metadata = {k: pa.concat_arrays([v, v]) for k, v in lineage.items()}
    write_deltalake(
        str(lake / "bronze/compressor_metadata"),
        pa.table(
            {
                "compressor_id": ["COMP-001", "COMP-002"],
                "model": ["Ajax DPC-360"] * 2,
                "horsepower": [1500.0, 1500.0],
                "install_date": pa.array([date(2020, 5, 1)] * 2),
                "station_id": ["STN-01"] * 2,
                **metadata,
            }
        ),
    )
    write_deltalake(
        str(lake / "bronze/maintenance_logs"),
        pa.table(
            {
                "maintenance_id": ["MX-1"],
                "compressor_id": ["COMP-002"],
                "maintenance_type": ["inspection"],
                "description": ["vibration check"],
                "performed_at": pa.array([DAY + timedelta(hours=12)], pa.timestamp("us", tz="UTC")),
                "cost_usd": [800.0],
                "performed_by": ["crew A"],
                "notes": pa.array([None], pa.string()),
                **lineage,
            }
        ),
    )
    return lake


def _export(env: dict, lake: Path, *args: str, check: bool = True, extra: dict | None = None):
    return run_stage("export", "--lake", lake, *args, env={**env, **(extra or {})}, check=check)


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "error:" in line]


def _assert_no_stack_trace(stderr: str) -> None:
    assert not [line for line in stderr.splitlines() if line.startswith("\tat ")], stderr[-3000:]
    assert "Exception in thread" not in stderr


# ---------------------------------------------------------------------------------------------
# the shaded jar through spark-submit


def test_migrate_subcommand_applies_the_packaged_migrations_once(export_jar, scratch_db):
    first = run_job("export", "migrate", env=scratch_db)
    assert first.stdout.strip().endswith("schema at version 4 (4 migrations applied)")
    second = run_job("export", "migrate", env=scratch_db)
    assert second.stdout.strip().endswith("schema at version 4 (0 migrations applied)")
    assert _rows(
        scratch_db, "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank"
    ) == [("1", True), ("2", True), ("3", True), ("4", True)]


def test_export_writes_every_table_and_is_idempotent(export_jar, scratch_db, fixture_lake):
    t0 = time.monotonic()
    first = _export(scratch_db, fixture_lake, "--date", "2024-02-01", "--run-id", "daily__1")
    print(f"\nexport wall time (spark-submit, fixture lake): {time.monotonic() - t0:.1f} s")
    assert "SUMMARY stage=export run_id=daily__1 status=success rows_in=288" in first.stderr

    counts = {t: _rows(scratch_db, f"SELECT count(*) FROM {t}")[0][0] for t in EXPORT_TABLES}
    assert counts == {
        "stations": 1,
        "compressor_metadata": 2,
        "maintenance_events": 1,
        "sensor_readings_agg": 2 * (24 + 6 + 1),
        "alert_history": 1,
        "data_quality_metrics": 1,  # the export's reconciliation check
        "pipeline_runs": 1,
        "pipeline_notifications": 0,
    }
    assert _rows(
        scratch_db,
        "SELECT reading_count, missing_readings, vibration_mms_max,"
        " gas_flow_mcf_min, gas_flow_mcf_max FROM sensor_readings_agg"
        " WHERE compressor_id = 'COMP-002' AND window_type = '24hr'",
    ) == [(144, 0, 9.1, 10000.0, 10006.0)]
    assert _rows(
        scratch_db,
        "SELECT compressor_id, sensor, started_at, ended_at, severity,"
        " peak_value, threshold_value, abnormal_readings, message"
        " FROM alert_history",
    ) == [
        (
            "COMP-002",
            "vibration_mms",
            DAY + timedelta(hours=10),
            DAY + timedelta(hours=11),
            "critical",
            9.1,
            8.0,
            6,
            "COMP-002 vibration critical: peak 9.10 mm/s ≥ 8.0 at 2024-02-01 10:20 UTC"
            " (warning from 2024-02-01 10:00, critical from 2024-02-01 10:20 UTC;"
            " cleared 2024-02-01 11:00 UTC)",
        )
    ]
    assert _rows(scratch_db, "SELECT compressor_id, health_status FROM v_fleet_health_summary") == [
        ("COMP-002", "critical"),
        ("COMP-001", "healthy"),
    ]

    before = _dump(scratch_db)
    _export(scratch_db, fixture_lake, "--date", "2024-02-01", "--run-id", "daily__1")
    after = _dump(scratch_db)
    for table in EXPORT_TABLES:
        if table != "pipeline_runs":
            assert after[table] == before[table], table
    # each export wrote its own row; the second mirrored the first's from the ledger unchanged
    assert [(r[0], r[1], r[12]) for r in after["pipeline_runs"]] == [
        ("daily__1", "export", "success"),
        ("daily__1", "export", "success"),
    ]
    assert before["pipeline_runs"][0] == after["pipeline_runs"][0]

    summary = subprocess.run(
        [str(ROOT / "scripts" / "pg_summary.sh")],
        cwd=ROOT,
        env={**os.environ, **scratch_db},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert summary.returncode == 0, summary.stderr
    lines = [" ".join(line.split()) for line in summary.stdout.splitlines()]
    assert "sensor_readings_agg | 62" in lines
    assert "alert_history | 1" in lines
    assert "COMP-002 | 1 | 1 | 0 | 0 | vibration_mms | 2024-02-01 10:00:00+00" in lines
    assert any(line.startswith("COMP-002 | critical | 1 | 1 | 0 | 0") for line in lines)


def test_a_killed_connection_leaves_every_table_unchanged_and_the_retry_succeeds(
    export_jar, scratch_db, fixture_lake
):
    run_job("export", "migrate", env=scratch_db)
    before = _dump(scratch_db)
    failed = _export(
        scratch_db,
        fixture_lake,
        "--date",
        "2024-02-01",
        check=False,
        extra={"ALTAVIZ_EXPORT_FAIL_AFTER": "alert_history:kill"},
    )
    assert failed.returncode == 1
    host_port = f"{scratch_db['ALTAVIZ_PG_HOST']}:{scratch_db['ALTAVIZ_PG_PORT']}"
    assert _error_lines(failed.stderr) == [
        f"altaviz-export: error: cannot write to PostgreSQL at {host_port} (database "
        f"{scratch_db['ALTAVIZ_PG_DB']}, user {scratch_db['ALTAVIZ_PG_USER']}): FATAL: "
        "terminating connection due to administrator command (nothing was committed)"
    ]
    _assert_no_stack_trace(failed.stderr)
    assert _dump(scratch_db) == before

    _export(scratch_db, fixture_lake, "--date", "2024-02-01")
    assert _rows(scratch_db, "SELECT count(*) FROM alert_history") == [(1,)]
    assert _rows(scratch_db, "SELECT count(*) FROM sensor_readings_agg") == [(62,)]


def test_an_unreachable_server_fails_with_one_line_naming_host_and_port(
    export_jar, scratch_db, fixture_lake
):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **scratch_db,
        "ALTAVIZ_PG_HOST": "127.0.0.1",
        "ALTAVIZ_PG_PORT": str(port),
        "ALTAVIZ_PG_PASSWORD": "s3cret-never-printed",
    }
    proc = _export(env, fixture_lake, "--date", "2024-02-01", check=False)
    assert proc.returncode == 1
    assert _error_lines(proc.stderr) == [
        f"altaviz-export: error: cannot connect to PostgreSQL at 127.0.0.1:{port} (database "
        f"{scratch_db['ALTAVIZ_PG_DB']}, user {scratch_db['ALTAVIZ_PG_USER']}): "
        "Connection refused"
    ]
    _assert_no_stack_trace(proc.stderr)
    assert "s3cret" not in proc.stderr + proc.stdout


# ---------------------------------------------------------------------------------------------
# make pg-url


def test_make_pg_url_reaches_the_database_and_never_carries_the_password():
    env = {**os.environ, **pg_settings()}
    env.pop("ALTAVIZ_PG_PASSWORD", None)
    url = subprocess.run(
        ["make", "-s", "pg-url"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    s = pg_settings()
    assert url == (
        f"postgresql://{s['ALTAVIZ_PG_USER']}@{s['ALTAVIZ_PG_HOST']}:"
        f"{s['ALTAVIZ_PG_PORT']}/{s['ALTAVIZ_PG_DB']}"
    )
    psql = subprocess.run(
        ["psql", url, "-Atc", "select current_database()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert psql.returncode == 0, psql.stderr
    assert psql.stdout.strip() == s["ALTAVIZ_PG_DB"]

    with_password = subprocess.run(
        ["make", "-s", "pg-url"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**env, "ALTAVIZ_PG_PASSWORD": "s3cret-never-printed"},
    ).stdout.strip()
    assert with_password == url


# ---------------------------------------------------------------------------------------------
# the whole pipeline on the demo data


def test_demo_pipeline_alerts_only_the_failing_compressors(
    demo_raw, demo_lake, scratch_db, tmp_path
):
    lake, run_id = tmp_path / "lake", DEMO_RUN_ID
    shutil.copytree(demo_lake["lake"], lake)  # the export appends its row to the lake's ledger
    t0 = time.monotonic()
    run_stage("export", "--raw", demo_raw, "--lake", lake, "--run-id", run_id, env=scratch_db)
    print(f"\nexport wall time (spark-submit, demo data): {time.monotonic() - t0:.1f} s")

    counts = {t: _rows(scratch_db, f"SELECT count(*) FROM {t}")[0][0] for t in EXPORT_TABLES}
    print("rows per table:", counts)
    per_compressor = _rows(
        scratch_db,
        "SELECT compressor_id, severity, sensor, count(*)"
        " FROM alert_history GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    print("alerts per compressor:", per_compressor)

    assert counts["stations"] > 0 and counts["compressor_metadata"] == 10
    # 10 compressors x 7 days: 24 hourly, 6 four-hourly and 1 daily bucket per day
    assert _rows(
        scratch_db, "SELECT window_type, count(*) FROM sensor_readings_agg GROUP BY 1 ORDER BY 1"
    ) == [("1hr", 10 * 7 * 24), ("24hr", 10 * 7), ("4hr", 10 * 7 * 6)]
    alerted = {r[0] for r in per_compressor}
    assert alerted == {"COMP-003", "COMP-007"}
    assert _rows(
        scratch_db, "SELECT count(*) FROM alert_history WHERE message IS NULL OR message = ''"
    ) == [(0,)]
    health = _rows(scratch_db, "SELECT compressor_id, health_status FROM v_fleet_health_summary")
    assert health[:2] == [("COMP-003", "critical"), ("COMP-007", "critical")]
    assert {status for _, status in health[2:]} == {"healthy"}
    # the ledger rows of the upstream stages of this run are mirrored, and the export's own row
    assert {
        r[0]
        for r in _rows(scratch_db, f"SELECT stage FROM pipeline_runs WHERE run_id = '{run_id}'")
    } == {"bronze", "silver", "gold", "export"}
