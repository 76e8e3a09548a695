"""Bronze and silver shaded jars through the real spark-submit on the simulator's default data
(10 compressors x 7 days): exact reconciliation, ledger rows, idempotent re-runs. Tables are read
back with delta-rs, independently of Spark."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pandas as pd
import pytest

from conftest import DEMO_RUN_ID, delta_table, run_job, run_stage

RUN_ID = DEMO_RUN_ID
SENSORS = [
    "vibration_mms",
    "discharge_temp_f",
    "suction_pressure_psi",
    "discharge_pressure_psi",
    "horsepower_consumption",
    "gas_flow_mcf",
]


@pytest.fixture
def lake(demo_lake) -> dict:
    """Bronze then silver (and gold) over all demo data, the demo's single-batch mode."""
    return demo_lake


def table(lake, rel) -> pd.DataFrame:
    return delta_table(lake / rel).to_pandas()


def ledger(lake) -> pd.DataFrame:
    return table(lake, "ops/pipeline_runs")


def test_bronze_holds_every_raw_reading_with_lineage(lake, demo_raw):
    bronze = table(lake["lake"], "bronze/sensor_readings")
    raw = pd.concat(
        pd.read_parquet(f) for f in sorted((demo_raw / "sensor_readings").glob("date=*/*.parquet"))
    )
    assert len(bronze) == len(raw)
    assert set(bronze["_run_id"]) == {RUN_ID}
    landing = bronze["_source_file"].str.extract(r"date=(\d{4}-\d{2}-\d{2})/")[0]
    assert (landing == bronze["_landing_date"].astype(str)).all()
    assert (
        delta_table(lake["lake"] / "bronze/sensor_readings")
        .metadata()
        .configuration["delta.appendOnly"]
        == "true"
    )
    metadata = table(lake["lake"], "bronze/compressor_metadata")
    assert sorted(metadata["compressor_id"]) == [f"COMP-{i:03d}" for i in range(1, 11)]


def test_reconciliation_is_exact_and_logged(lake):
    bronze = table(lake["lake"], "bronze/sensor_readings")
    silver = table(lake["lake"], "silver/sensor_readings")
    quarantine = table(lake["lake"], "silver/quarantine")
    whole = quarantine[quarantine["column_name"].isna()]
    metrics = table(lake["lake"], "ops/quality_metrics")
    metrics = metrics[metrics["run_id"] == RUN_ID].set_index(["metric", "column_name"])["value"]
    dropped = int(metrics[("dropped_duplicates", "*")])

    # Independent expectation: a reading is future when stamped after the end of its landing
    # day (+5 min skew); the remaining deliveries collapse to one row per key.
    skew = timedelta(minutes=5)
    landed_end = pd.to_datetime(bronze["_landing_date"]) + timedelta(days=1) + skew
    ts = (
        bronze["timestamp"].dt.tz_localize(None)
        if bronze["timestamp"].dt.tz
        else bronze["timestamp"]
    )
    future = ts > landed_end
    current = bronze[~future]
    keys = current[["compressor_id", "timestamp"]].drop_duplicates()
    assert dropped == len(current) - len(keys)
    assert (whole["rule"] == "future_timestamp").sum() == future.sum() == 5
    all_null = (whole["rule"] == "all_sensors_null").sum()
    assert len(silver) == len(keys) - all_null
    assert len(bronze) == len(silver) + len(whole) + dropped
    assert not silver.duplicated(["compressor_id", "timestamp"]).any()
    assert set(whole["rule"]) <= {"future_timestamp", "all_sensors_null"}
    assert metrics[("unaccounted_rows", "*")] == 0

    line = re.search(
        r"Reconciliation: bronze rows ([\d,]+) = silver ([\d,]+) \+ quarantined "
        r"([\d,]+) \+ dropped duplicates ([\d,]+)",
        lake["silver"],
    )
    assert line, lake["silver"][-3000:]
    logged = [int(g.replace(",", "")) for g in line.groups()]
    assert logged == [len(bronze), len(silver), len(whole), dropped]


def test_rejected_values_are_null_in_silver_and_kept_in_quarantine(lake):
    silver = table(lake["lake"], "silver/sensor_readings")
    quarantine = table(lake["lake"], "silver/quarantine")
    values = quarantine[quarantine["column_name"].notna()]
    assert set(values["rule"]) <= {"spike", "physical_range"}
    assert (values["rule"] == "spike").sum() > 0
    merged = values.merge(silver, on=["compressor_id", "timestamp"], how="left")
    for _, row in merged.iterrows():
        if pd.notna(row["_run_id"]):  # the reading is in silver: its rejected value is null
            assert pd.isna(row[row["column_name"] + "_y"]), row
        assert row["original_value"] == row[row["column_name"] + "_x"]


def test_ledger_rows_name_tables_and_versions(lake):
    runs = ledger(lake["lake"])
    runs = runs[runs["run_id"] == RUN_ID].set_index("stage")
    bronze_version = delta_table(lake["lake"] / "bronze/sensor_readings").version()
    silver_version = delta_table(lake["lake"] / "silver/sensor_readings").version()
    b, s = runs.loc["bronze"], runs.loc["silver"]
    assert b["status"] == s["status"] == "success"
    assert b["output_table"].endswith("/bronze/sensor_readings")
    assert b["output_version"] == bronze_version
    assert b["rows_out"] == len(table(lake["lake"], "bronze/sensor_readings"))
    assert s["input_table"] == b["output_table"]
    assert s["input_version"] == bronze_version
    assert s["output_version"] == silver_version
    assert s["rows_in"] == b["rows_out"]
    assert s["rows_out"] == len(table(lake["lake"], "silver/sensor_readings"))
    history = delta_table(lake["lake"] / "silver/sensor_readings").history(1)[0]
    assert history["userMetadata"] == RUN_ID


def test_rerunning_both_stages_changes_nothing(lake, demo_raw, tmp_path):
    # the re-runs write (silver, the ledger): on a copy, not the lake other tests are reading
    root = tmp_path / "lake"
    shutil.copytree(lake["lake"], root)
    before = {
        rel: table(root, rel)
        for rel in ("bronze/sensor_readings", "silver/sensor_readings", "silver/quarantine")
    }
    bronze_version = delta_table(root / "bronze/sensor_readings").version()
    for stage in ("bronze", "silver"):
        run_stage(stage, "--raw", demo_raw, "--lake", root, "--run-id", RUN_ID + "_again")
    assert delta_table(root / "bronze/sensor_readings").version() == bronze_version

    def rows(df, drop):
        df = df.drop(columns=drop).astype(str)
        return df.sort_values(list(df.columns)).reset_index(drop=True)

    pd.testing.assert_frame_equal(
        rows(before["bronze/sensor_readings"], []), rows(table(root, "bronze/sensor_readings"), [])
    )
    pd.testing.assert_frame_equal(
        rows(before["silver/sensor_readings"], ["_run_id"]),
        rows(table(root, "silver/sensor_readings"), ["_run_id"]),
    )
    pd.testing.assert_frame_equal(
        rows(before["silver/quarantine"], ["run_id", "quarantined_at"]),
        rows(table(root, "silver/quarantine"), ["run_id", "quarantined_at"]),
    )


def test_a_corrupt_raw_file_exits_2_naming_it(tmp_path, demo_raw):
    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    bad = raw / "sensor_readings" / "date=2024-02-03" / "part-99999.parquet"
    bad.write_bytes(b"PAR1 not really parquet")
    proc = run_job("bronze", "--raw", raw, "--lake", tmp_path / "lake", check=False)
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        .splitlines()[-1]
        .startswith(f"altaviz-bronze: error: raw file file:{bad} is not a readable Parquet file")
    )
    assert not (tmp_path / "lake" / "bronze" / "sensor_readings").exists()
