"""End-to-end runs of the medallion DAG: real Airflow dag.test(), the real stage jars through the
real spark-submit (local[2]), the real PostgreSQL (a scratch database per test), on the
simulator's default data (10 compressors x 7 days from 2024-02-01).

dag.test() creates a manual run; ``airflow_harness.run_day`` picks the logical date whose
inferred data interval is the wanted UTC day (see its docstring)."""

from __future__ import annotations

import airflow_harness as h  # first: configures Airflow before anything imports it

# isort: split

import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from conftest import DIST, ROOT, delta_table, run_stage

MEDALLION = "altaviz_medallion"
STAGES = ["bronze", "silver", "gold", "export"]
DAY = date(2024, 2, 3)
COMPRESSORS = [f"COMP-{i:03d}" for i in range(1, 11)]
# Export tables whose contents depend only on the data (pipeline_runs, data_quality_metrics and
# the run_id columns say which run wrote them), with their natural keys.
PG_TABLES = {
    "stations": ["station_id"],
    "compressor_metadata": ["compressor_id"],
    "maintenance_events": ["maintenance_id"],
    "sensor_readings_agg": ["compressor_id", "window_type", "agg_timestamp"],
    "alert_history": ["compressor_id", "sensor", "started_at"],
}
RUN_SPECIFIC = {"run_id", "alert_id"}


def ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, datetime.min.time()), tz="UTC")


@pytest.fixture(scope="module", autouse=True)
def airflow_db():
    return h.init_db()


@pytest.fixture(scope="module")
def jar_dir(jars, tmp_path_factory) -> Path:
    """A snapshot of dist/: the runs of a test must not see a jar replaced half-way by a build."""
    snapshot = tmp_path_factory.mktemp("jars")
    for jar in jars.glob("altaviz-*.jar"):
        shutil.copy2(jar, snapshot / jar.name)
    return snapshot


@pytest.fixture
def pg(monkeypatch):
    with h.scratch_database() as settings:
        monkeypatch.setenv(
            "AIRFLOW_CONN_ALTAVIZ_POSTGRES", settings["AIRFLOW_CONN_ALTAVIZ_POSTGRES"]
        )
        monkeypatch.delenv("ALTAVIZ_ALERT_WEBHOOK", raising=False)
        yield settings


def deploy(monkeypatch, jar_dir: Path, raw: Path, lake: Path):
    """Points a local deployment (what airflow/standalone.sh sets up) at ``raw``/``lake`` and
    parses the DAG under it."""
    env = {
        **h.spark_env(),
        "ALTAVIZ_JAR_DIR": str(jar_dir),
        "ALTAVIZ_CDS_ARCHIVE": str(DIST / "spark-classes.jsa"),  # 170 MB: not copied
        "ALTAVIZ_CONFIG": str(ROOT / "config" / "etl_config.yaml"),
        "ALTAVIZ_LOG4J": str(ROOT / "config" / "log4j2.properties"),
        "ALTAVIZ_RAW": str(raw),
        "ALTAVIZ_LAKE": str(lake),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return h.parse_dags().get_dag(MEDALLION)


def ledger(lake: Path, run_id: str) -> dict[str, dict]:
    """stage -> its ops/pipeline_runs row for ``run_id`` (exactly one per stage)."""
    df = delta_table(lake / "ops" / "pipeline_runs").to_pandas()
    rows = df[df.run_id == run_id].sort_values("started_at")
    assert rows.stage.is_unique, rows[["stage", "status", "message"]]
    return {r["stage"]: r for r in rows.to_dict("records")}


def utc(value) -> pd.Timestamp:
    t = pd.Timestamp(value)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def gold_frame(lake: Path) -> pd.DataFrame:
    df = delta_table(lake / "gold" / "sensor_features").to_pandas().drop(columns=["_run_id"])
    return df.sort_values(["compressor_id", "timestamp"]).reset_index(drop=True)


def pg_frame(dbname: str, table: str) -> pd.DataFrame:
    conn = h.pg_connect(dbname)
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT * FROM {table} ORDER BY {', '.join(PG_TABLES[table])}")
            columns = [d.name for d in cur.description]
            df = pd.DataFrame(cur.fetchall(), columns=columns)
    finally:
        conn.close()
    return df.drop(columns=[c for c in columns if c in RUN_SPECIFIC])


# --- daily runs against one batch run ----------------------------------------------------------


def test_daily_runs_with_a_rerun_and_maintenance_equal_one_run_over_the_two_days(
    demo_raw, jar_dir, pg, monkeypatch, tmp_path, record_property
):
    """Two consecutive daily DAG runs, 2024-02-03 then 2024-02-04 (what a backfill with
    --max-active-runs 1 does), equal one run of the same jars over both days, in the lake and
    in PostgreSQL.

    The first daily run is also the check of one day through all four stages: the ledger
    chains the versions, gold holds every compressor's readings, PostgreSQL's aggregates account
    for them, the failure callback writes into the table export's migration created. Before the
    second day, a manual re-run of gold without export and the weekly maintenance DAG (its
    Sunday 2024-02-04 06:00 slot falls between the two daily runs) rewrite the lake's files,
    never its rows: each must leave gold's rows as they were (the re-run PostgreSQL too), and
    the second day and the comparison with the batch run build on the lake they left.

    Two days suffice: the second day's lookback reaches into the first one's readings; these
    two hold alert episodes, so every PostgreSQL table has rows to compare."""
    days = [DAY, date(2024, 2, 4)]
    db = pg["ALTAVIZ_PG_DB"]  # the DAG's database (connection altaviz_postgres, no webhook)
    lake = tmp_path / "daily" / "lake"

    # day 1 through all four stages
    dag = deploy(monkeypatch, jar_dir, demo_raw, lake)
    t0 = time.perf_counter()
    dr = h.run_day(dag, DAY)
    wall = time.perf_counter() - t0
    record_property("dag_test_wall_seconds", round(wall, 1))
    print(f"\ndag.test() of {DAY}, four stages: {wall:.1f} s wall time")

    assert str(dr.state) == "success"
    assert h.task_states(dr) == {s: ("success", 1) for s in STAGES}

    # the ledger: one successful row per stage, this run id, this day, versions chained
    runs = ledger(lake, dr.run_id)
    assert sorted(runs) == sorted(STAGES)
    for stage, row in runs.items():
        assert row["status"] == "success", (stage, row["message"])
        interval = (utc(row["interval_start"]), utc(row["interval_end"]))
        assert interval == (ts(DAY), ts(DAY + timedelta(1)))
    assert runs["silver"]["input_version"] == runs["bronze"]["output_version"]
    assert runs["gold"]["input_version"] == runs["silver"]["output_version"]
    assert runs["export"]["input_version"] == runs["gold"]["output_version"]

    # the lake: gold holds the day's readings of all ten compressors
    gold = gold_frame(lake)
    gold_day = gold[gold.date == DAY]
    assert sorted(gold_day.compressor_id.unique()) == COMPRESSORS
    assert (gold_day.timestamp.dt.date == DAY).all()

    # PostgreSQL: the day's aggregates account for every gold reading of the day
    daily = h.query(
        db,
        "SELECT compressor_id, reading_count FROM sensor_readings_agg "
        "WHERE window_type = '24hr' AND agg_timestamp = %s "
        "ORDER BY compressor_id",
        (ts(DAY).to_pydatetime(),),
    )
    assert [c for c, _ in daily] == COMPRESSORS
    assert sum(n for _, n in daily) == len(gold_day)
    per_compressor = gold_day.groupby("compressor_id").size().to_dict()
    assert dict(daily) == per_compressor
    hourly = h.query(
        db,
        "SELECT count(*), sum(reading_count) FROM sensor_readings_agg "
        "WHERE window_type = '1hr' AND agg_timestamp >= %s AND agg_timestamp < %s",
        (ts(DAY).to_pydatetime(), ts(DAY + timedelta(1)).to_pydatetime()),
    )
    assert hourly == [(10 * 24, len(gold_day))]
    assert h.query(db, "SELECT count(*) FROM compressor_metadata") == [(10,)]
    mirrored = h.query(
        db, "SELECT stage, status FROM pipeline_runs WHERE run_id = %s ORDER BY stage", (dr.run_id,)
    )
    assert mirrored == [
        ("bronze", "success"),
        ("export", "success"),
        ("gold", "success"),
        ("silver", "success"),
    ]

    # the failure callback writes into the table the export's migration created (not one of
    # PG_TABLES: the probe row does not enter the comparison with the batch database)
    from altaviz_notify import Notification, notify

    assert "pipeline_notifications" not in PG_TABLES
    assert notify(Notification(MEDALLION, dr.run_id, "gold", "task_failure", "probe")) == "postgres"
    assert h.query(db, "SELECT task_id, kind, message FROM pipeline_notifications") == [
        ("gold", "task_failure", "probe")
    ]

    # a manual re-run from gold without export (start_from=gold, skip_export=true):
    # bronze/silver skipped, gold recomputed to the same rows, PG untouched
    agg_before = pg_frame(db, "sensor_readings_agg")
    dag = deploy(monkeypatch, jar_dir, demo_raw, lake)
    rerun = h.run_day(dag, DAY, conf={"start_from": "gold", "skip_export": True})

    assert str(rerun.state) == "success"
    assert h.task_states(rerun) == {
        "bronze": ("skipped", 1),
        "silver": ("skipped", 1),
        "gold": ("success", 1),
        "export": ("skipped", 1),
    }
    again = ledger(lake, rerun.run_id)
    assert sorted(again) == ["gold"]
    assert again["gold"]["output_version"] > runs["gold"]["output_version"]
    assert_frame_equal(gold_frame(lake), gold)
    assert_frame_equal(pg_frame(db, "sensor_readings_agg"), agg_before)

    # the weekly maintenance DAG on this lake: one file per gold partition, every row kept
    maintenance = h.parse_dags().get_dag("altaviz_maintenance")
    mr = maintenance.test(logical_date=datetime(2024, 2, 4, 6, tzinfo=UTC))

    assert h.task_states(mr) == {"maintain": ("success", 1)}
    row = ledger(lake, mr.run_id)["maintenance"]
    assert row["status"] == "success"
    assert row["rows_in"] == row["rows_out"] > len(gold)
    assert len(delta_table(lake / "gold" / "sensor_features").file_uris()) == gold.date.nunique()
    assert_frame_equal(gold_frame(lake), gold)

    # day 2, on the lake the re-run and maintenance left
    dag = deploy(monkeypatch, jar_dir, demo_raw, lake)
    dr = h.run_day(dag, days[1])
    assert h.task_states(dr) == {s: ("success", 1) for s in STAGES}, days[1]

    # one run of the same jars over [2024-02-03, 2024-02-05), outside Airflow, into a
    # database of its own: the reference, so the warm driver runs it (conftest.run_stage)
    with h.scratch_database() as batch_pg:
        batch_lake = tmp_path / "batch" / "lake"
        batch_env = {k: v for k, v in batch_pg.items() if k.startswith("ALTAVIZ_PG_")}
        for stage in STAGES:
            run_stage(
                stage,
                "--start",
                "2024-02-03T00:00:00+00:00",
                "--end",
                "2024-02-05T00:00:00+00:00",
                "--run-id",
                "batch-2024-02-03-2d",
                "--config",
                ROOT / "config" / "etl_config.yaml",
                "--raw",
                demo_raw,
                "--lake",
                batch_lake,
                env=batch_env if stage == "export" else None,
            )

        daily_gold, batch_gold = gold_frame(lake), gold_frame(batch_lake)
        # the first day's lookback day is in gold too
        assert sorted(daily_gold.date.unique()) == [date(2024, 2, 2), *days]
        assert len(daily_gold) > 2 * 10 * 140
        assert_frame_equal(daily_gold, batch_gold)
        for table in PG_TABLES:
            daily_rows = pg_frame(db, table)
            assert len(daily_rows) > 0, table
            assert_frame_equal(daily_rows, pg_frame(batch_pg["ALTAVIZ_PG_DB"], table), obj=table)


# --- a day without data ------------------------------------------------------------------------


def test_a_day_without_raw_data_is_a_successful_run_of_every_stage(
    demo_raw, jar_dir, pg, monkeypatch, tmp_path
):
    """The first run of a new deployment: the landing holds the fleet files and other days'
    readings, none for the day. Every stage jar succeeds on the empty interval."""
    empty_day = date(2024, 2, 10)  # the simulator's data end on 2024-02-07
    lake = tmp_path / "lake"
    dag = deploy(monkeypatch, jar_dir, demo_raw, lake)

    t0 = time.perf_counter()
    dr = h.run_day(dag, empty_day)
    print(f"\ndag.test() of the empty day {empty_day}: {time.perf_counter() - t0:.1f} s")

    assert h.task_states(dr) == {s: ("success", 1) for s in STAGES}
    runs = ledger(lake, dr.run_id)
    assert {s: (r["status"], r["rows_in"]) for s, r in runs.items()} == {
        s: ("success", 0) for s in STAGES
    }
    # nothing appended or replaced (export's rows_out counts the fleet's dimension rows too)
    assert [runs[s]["rows_out"] for s in ("bronze", "silver", "gold")] == [0, 0, 0]
    assert delta_table(lake / "silver" / "sensor_readings").to_pandas().empty
    metrics = delta_table(lake / "ops" / "quality_metrics").to_pandas()
    completeness = metrics[
        (metrics.run_id == dr.run_id)
        & (metrics.metric == "completeness")
        & (metrics.column_name == "*")
    ]
    assert list(completeness.value) == [0.0]
    # export upserted no reading aggregates (its migrations may or may not have run)
    db = pg["ALTAVIZ_PG_DB"]
    if h.query(db, "SELECT to_regclass('sensor_readings_agg') IS NOT NULL") == [(True,)]:
        assert h.query(db, "SELECT count(*) FROM sensor_readings_agg") == [(0,)]


# --- failure path ------------------------------------------------------------------------------


def test_a_corrupt_raw_file_fails_bronze_without_retries_and_alerts(
    demo_raw, jar_dir, pg, monkeypatch, tmp_path
):
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    victim = next((raw / "sensor_readings" / f"date={DAY}").glob("*.parquet"))
    good = victim.read_bytes()
    victim.write_bytes(b"PAR1 this is not a parquet file")
    lake = tmp_path / "lake"
    dag = deploy(monkeypatch, jar_dir, raw, lake)
    for task in dag.tasks:  # production retries and backoff, minus the minutes of waiting
        task.retry_delay = timedelta(0)
    assert dag.get_task("bronze").retries == 2

    dr = h.run_day(dag, DAY)

    assert str(dr.state) == "failed"
    # exit 2 (bad input) would fail the same way again: no retry, although bronze has two
    assert h.task_states(dr) == {
        "bronze": ("failed", 1),
        "silver": ("upstream_failed", 0),
        "gold": ("upstream_failed", 0),
        "export": ("upstream_failed", 0),
    }
    # the one attempt ran the jar, which failed cleanly, naming the file
    attempts = delta_table(lake / "ops" / "pipeline_runs").to_pandas()
    attempts = attempts[attempts.run_id == dr.run_id]
    assert list(attempts.stage) == ["bronze"]
    assert set(attempts.status) == {"failed"}
    assert all(victim.name in m for m in attempts.message)
    assert not (lake / "silver").exists()
    # one alert, at once
    ((dag_id, run_id, task_id, kind, message),) = h.query(
        pg["ALTAVIZ_PG_DB"],
        "SELECT dag_id, run_id, task_id, kind, message FROM pipeline_notifications",
    )
    assert (dag_id, run_id, task_id, kind) == (MEDALLION, dr.run_id, "bronze", "task_failure")
    # the job's own error line first, naming the file, then the exit code's meaning
    assert message.startswith("task bronze failed after 1 attempt(s): altaviz-bronze: error: ")
    assert victim.name in message.split(" | ")[0]
    assert message.split(" | ")[1].startswith("exit 2 = bad input")
    assert "Error code is: 2." in message

    # the file is re-delivered intact: the next run of the day succeeds end to end, into the
    # database where the callback created pipeline_notifications first
    victim.write_bytes(good)
    dag = deploy(monkeypatch, jar_dir, raw, lake)
    retry = h.run_day(dag, DAY)

    assert h.task_states(retry) == {s: ("success", 1) for s in STAGES}
    assert h.query(pg["ALTAVIZ_PG_DB"], "SELECT count(*) FROM pipeline_notifications") == [(1,)]
