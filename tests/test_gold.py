"""The gold jar through the real spark-submit.

Silver input is written here with delta-rs (an independent Delta writer) so these tests do not
depend on the other stages; the last test runs the real simulator -> bronze -> silver -> gold
chain on the demo data. Expected features come from a brute-force pandas reference.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from deltalake import write_deltalake

from conftest import DEMO_RUN_ID, DIST, delta_table, run_job, run_stage

GOLD_COLUMNS = [
    "compressor_id",
    "timestamp",
    "vibration_mms",
    "discharge_temp_f",
    "suction_pressure_psi",
    "discharge_pressure_psi",
    "horsepower_consumption",
    "gas_flow_mcf",
    "operating_hours",
    "model",
    "station_id",
    "rated_horsepower",
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
    "readings_1hr",
    "readings_24hr",
    "temp_1hr_delta",
    "pressure_differential",
    "hp_utilization",
    "days_since_maintenance",
    "vibration_status",
    "temp_status",
    "pressure_status",
    "overall_status",
    "hour_of_day",
    "day_of_week",
    "is_weekend",
    "date",
    "_run_id",
]
START = datetime(2024, 2, 1, tzinfo=UTC)
SENSORS = [
    "vibration_mms",
    "discharge_temp_f",
    "suction_pressure_psi",
    "discharge_pressure_psi",
    "horsepower_consumption",
    "gas_flow_mcf",
]


@pytest.fixture(scope="module")
def gold_jar() -> Path:
    jar = DIST / "altaviz-gold.jar"
    if not jar.exists():
        pytest.fail("dist/altaviz-gold.jar not built; run 'make build'")
    return jar


def _silver_frame() -> pd.DataFrame:
    """3 compressors x 3 days at a 10-minute cadence with a 2-hour gap, jitter and nulls."""
    rng = np.random.default_rng(4)
    rows = []
    for c in range(1, 4):
        for k in range(3 * 144):
            if c == 2 and 100 <= k < 112:  # a 2-hour gap
                continue
            jitter = int(rng.integers(-40_000_000, 40_000_000)) if c == 3 and k else 0
            ts = START + timedelta(minutes=10 * k, microseconds=jitter)
            values = [
                2 + c + rng.normal(0, 0.3),
                200 + 5 * c + rng.normal(0, 3),
                50 + rng.normal(0, 2),
                1000 + 50 * c + rng.normal(0, 20),
                1300 + rng.normal(0, 30),
                9000 + rng.normal(0, 200),
            ]
            values = [None if rng.random() < 0.03 else float(v) for v in values]
            rows.append([f"COMP-00{c}", ts, *values, 100.0 * c + k / 6])
    df = pd.DataFrame(rows, columns=["compressor_id", "timestamp", *SENSORS, "operating_hours"])
    df["_ingested_at"] = df["timestamp"] + pd.Timedelta(minutes=2)
    df["_source_file"] = "fixture.parquet"
    df["_run_id"] = "fixture"
    df["date"] = df["timestamp"].dt.date
    return df


def _write_lake(lake: Path, silver: pd.DataFrame) -> None:
    ts = pa.timestamp("us", tz="UTC")
    schema = pa.schema(
        [("compressor_id", pa.string()), ("timestamp", ts)]
        + [(s, pa.float64()) for s in SENSORS]
        + [
            ("operating_hours", pa.float64()),
            ("_ingested_at", ts),
            ("_source_file", pa.string()),
            ("_run_id", pa.string()),
            ("date", pa.date32()),
        ]
    )
    write_deltalake(
        str(lake / "silver" / "sensor_readings"),
        pa.Table.from_pandas(silver, schema=schema, preserve_index=False),
        partition_by=["date"],
    )
    lineage = {"_ingested_at": [START] * 3, "_source_file": ["m.csv"] * 3, "_run_id": ["f"] * 3}
    metadata = pd.DataFrame(
        {
            "compressor_id": ["COMP-001", "COMP-002", "COMP-003"],
            "model": ["Ajax DPC-360", "Ariel JGK/4", "Caterpillar G3516"],
            "horsepower": [1500.0, 1600.0, 1700.0],
            "install_date": [datetime(2020, 1, 1).date()] * 3,
            "station_id": ["STN-001", "STN-001", "STN-002"],
            **lineage,
        }
    )
    write_deltalake(
        str(lake / "bronze" / "compressor_metadata"),
        pa.Table.from_pandas(
            metadata,
            preserve_index=False,
            schema=pa.schema(
                [
                    ("compressor_id", pa.string()),
                    ("model", pa.string()),
                    ("horsepower", pa.float64()),
                    ("install_date", pa.date32()),
                    ("station_id", pa.string()),
                    ("_ingested_at", ts),
                    ("_source_file", pa.string()),
                    ("_run_id", pa.string()),
                ]
            ),
        ),
    )
    maintenance = pd.DataFrame(
        {
            "maintenance_id": ["M1", "M2", "M3"],
            "compressor_id": ["COMP-001", "COMP-001", "COMP-003"],
            "maintenance_type": ["scheduled", "failure", "inspection"],
            "description": ["a", "b", "c"],
            "performed_at": [
                START - timedelta(days=3),
                START + timedelta(days=1, hours=6),
                START + timedelta(days=5),
            ],
            "cost_usd": [100.0, 200.0, 300.0],
            "performed_by": ["x", "y", "z"],
            "notes": [None, None, None],
            **lineage,
        }
    )
    write_deltalake(
        str(lake / "bronze" / "maintenance_logs"),
        pa.Table.from_pandas(
            maintenance,
            preserve_index=False,
            schema=pa.schema(
                [
                    ("maintenance_id", pa.string()),
                    ("compressor_id", pa.string()),
                    ("maintenance_type", pa.string()),
                    ("description", pa.string()),
                    ("performed_at", ts),
                    ("cost_usd", pa.float64()),
                    ("performed_by", pa.string()),
                    ("notes", pa.string()),
                    ("_ingested_at", ts),
                    ("_source_file", pa.string()),
                    ("_run_id", pa.string()),
                ]
            ),
        ),
    )


@pytest.fixture
def lake(tmp_path, gold_jar) -> tuple[Path, pd.DataFrame]:
    """A fresh lake for every test (built in well under a second): the tests run gold on it and
    each expects only its own runs' output, whichever worker runs it and in whatever order."""
    lake = tmp_path / "lake"
    silver = _silver_frame()
    _write_lake(lake, silver)
    return lake, silver


def _gold(lake: Path) -> pd.DataFrame:
    df = delta_table(lake / "gold" / "sensor_features").to_pandas()
    return df.sort_values(["compressor_id", "timestamp"]).reset_index(drop=True)


def _reference(silver: pd.DataFrame, cid: str, t: pd.Timestamp) -> dict:
    """Brute force, straight from the definitions: windows (t - W, t], nulls ignored."""
    s = silver[silver.compressor_id == cid]

    def window(hours):
        return s[(s.timestamp > t - pd.Timedelta(hours=hours)) & (s.timestamp <= t)]

    def mean(w, col):
        v = w[col].dropna()
        return v.mean() if len(v) else None

    def std(w, col):
        v = w[col].dropna()
        return v.std(ddof=1) if len(v) >= 2 else None

    h1, h4, h24 = window(1), window(4), window(24)
    temp = s.dropna(subset=["discharge_temp_f"])
    before = temp[
        (temp.timestamp <= t - pd.Timedelta(hours=1))
        & (temp.timestamp >= t - pd.Timedelta(minutes=70))
    ]
    now = s[s.timestamp == t].iloc[0]
    delta = None
    if len(before) and not pd.isna(now.discharge_temp_f):
        prev = before.iloc[-1]
        delta = (now.discharge_temp_f - prev.discharge_temp_f) / (
            (t - prev.timestamp) / pd.Timedelta(hours=1)
        )
    return {
        "vibration_1hr_mean": mean(h1, "vibration_mms"),
        "vibration_1hr_std": std(h1, "vibration_mms"),
        "vibration_1hr_max": h1.vibration_mms.max() if h1.vibration_mms.notna().any() else None,
        "temp_1hr_mean": mean(h1, "discharge_temp_f"),
        "temp_1hr_std": std(h1, "discharge_temp_f"),
        "pressure_1hr_mean": mean(h1, "discharge_pressure_psi"),
        "vibration_4hr_mean": mean(h4, "vibration_mms"),
        "temp_4hr_mean": mean(h4, "discharge_temp_f"),
        "pressure_4hr_mean": mean(h4, "discharge_pressure_psi"),
        "vibration_24hr_mean": mean(h24, "vibration_mms"),
        "temp_24hr_mean": mean(h24, "discharge_temp_f"),
        "pressure_24hr_mean": mean(h24, "discharge_pressure_psi"),
        "readings_1hr": len(h1),
        "readings_24hr": len(h24),
        "temp_1hr_delta": delta,
    }


def test_a_gold_day_matches_the_pandas_reference(lake):
    root, silver = lake
    proc = run_stage("gold", "--lake", root, "--date", "2024-02-02", "--run-id", "gold-r1")
    assert "status=success" in proc.stderr
    gold = _gold(root)
    assert list(gold.columns) == GOLD_COLUMNS
    # output = [start - 24h lookback, end): days 1 and 2, every silver row of them
    expected = silver[silver.timestamp < START + timedelta(days=2)]
    assert len(gold) == len(expected)
    assert set(gold._run_id) == {"gold-r1"}
    assert delta_table(root / "gold" / "sensor_features").metadata().partition_columns == ["date"]

    checked = 0
    for i in range(0, len(gold), 23):  # every 23rd row, all compressors and both days
        row = gold.iloc[i]
        ref = _reference(silver, row.compressor_id, row.timestamp)
        for col, want in ref.items():
            got = row[col]
            if want is None:
                assert pd.isna(got), (col, row.compressor_id, row.timestamp)
            else:
                assert got == pytest.approx(want, abs=1e-9), (col, row.compressor_id, row.timestamp)
        checked += 1
    assert checked > 30

    first = gold.iloc[0]  # COMP-001 at 2024-02-01 00:00: the very first reading
    assert (first.readings_1hr, first.readings_24hr) == (1, 1)
    assert first.model == "Ajax DPC-360" and first.station_id == "STN-001"
    assert first.day_of_week == 4 and not first.is_weekend and first.hour_of_day == 0
    assert first.days_since_maintenance == pytest.approx(3.0)
    after_repair = gold[
        (gold.compressor_id == "COMP-001")
        & (gold.timestamp == pd.Timestamp("2024-02-02 07:00", tz="UTC"))
    ].iloc[0]
    assert after_repair.days_since_maintenance == pytest.approx(1 / 24)
    comp3 = gold[gold.compressor_id == "COMP-003"]
    assert comp3.days_since_maintenance.isna().all(), "a repair on day 6 is not visible earlier"
    if not math.isnan(first.horsepower_consumption):
        assert first.hp_utilization == pytest.approx(first.horsepower_consumption / 1500.0)


def test_rerunning_the_day_leaves_identical_contents(lake):
    root, _ = lake
    run_stage("gold", "--lake", root, "--date", "2024-02-02", "--run-id", "gold-r1")
    before = _gold(root)
    version = delta_table(root / "gold" / "sensor_features").version()
    run_stage("gold", "--lake", root, "--date", "2024-02-02", "--run-id", "gold-r1")
    pd.testing.assert_frame_equal(_gold(root), before)
    assert delta_table(root / "gold" / "sensor_features").version() == version + 1
    runs = delta_table(root / "ops" / "pipeline_runs").to_pandas()
    gold_runs = runs[(runs.stage == "gold") & (runs.run_id == "gold-r1")]
    assert set(gold_runs.status) == {"success"}
    assert set(gold_runs.rows_out) == {len(before)}


def test_next_day_replaces_only_its_range(lake):
    root, silver = lake
    run_stage("gold", "--lake", root, "--date", "2024-02-02", "--run-id", "gold-r1")
    run_stage("gold", "--lake", root, "--date", "2024-02-03", "--run-id", "gold-r2")
    gold = _gold(root)
    assert len(gold) == len(silver)
    by_date = gold.groupby("date")._run_id.unique().to_dict()
    dates = sorted(by_date)
    assert [list(by_date[d]) for d in dates] == [["gold-r1"], ["gold-r2"], ["gold-r2"]]


def test_missing_silver_is_a_one_line_error_with_exit_2(tmp_path, gold_jar):
    proc = run_stage("gold", "--lake", tmp_path / "nothing", "--date", "2024-02-02", check=False)
    assert proc.returncode == 2
    assert "altaviz-gold: error: input table" in proc.stderr
    assert "run the silver stage first" in proc.stderr
    assert "Exception" not in proc.stderr.split("altaviz-gold: error:")[-1]


def test_help_and_version(gold_jar):
    assert "--input-version" in run_job("gold", "--help").stdout
    assert run_job("gold", "--version").returncode == 0


def test_gold_on_real_pipeline_silver(demo_lake):
    """simulator -> bronze -> silver -> gold jars, one run id: gold reads the silver version
    its upstream committed in the same run and writes one row per silver row."""
    lake = demo_lake["lake"]
    silver = delta_table(lake / "silver" / "sensor_readings")
    gold = _gold(lake)
    assert len(gold) == len(silver.to_pandas())
    assert list(gold.columns) == GOLD_COLUMNS
    runs = delta_table(lake / "ops" / "pipeline_runs").to_pandas()
    silver_run = runs[(runs.stage == "silver") & (runs.run_id == DEMO_RUN_ID)].iloc[-1]
    gold_run = runs[(runs.stage == "gold") & (runs.run_id == DEMO_RUN_ID)].iloc[-1]
    assert gold_run.input_version == silver_run.output_version
    assert gold_run.status == "success"
    assert gold.overall_status.dropna().isin(["normal", "warning", "critical"]).all()
    assert (gold.overall_status != "normal").any(), "the degrading compressors raise alerts"
