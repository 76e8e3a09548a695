"""The simulator's shaded jar through the real spark-submit (3 compressors x 2 days): the landing
layout bronze reads, row counts per day folder that follow from what the generator reports, and
determinism across two separate JVMs (byte-identical files)."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import build_once, run_job

ARGS = ("--compressors", "3", "--days", "2", "--start-date", "2024-02-01", "--seed", "42")
DAYS = [date(2024, 2, 1), date(2024, 2, 2)]
PERIOD_END = datetime(2024, 2, 3, tzinfo=UTC)
READINGS = 3 * 2 * 144
RAW_SCHEMA = pa.schema(
    [
        ("compressor_id", pa.string()),
        ("timestamp", pa.timestamp("us", tz="UTC")),
        *[
            (c, pa.float64())
            for c in (
                "vibration_mms",
                "discharge_temp_f",
                "suction_pressure_psi",
                "discharge_pressure_psi",
                "horsepower_consumption",
                "gas_flow_mcf",
                "operating_hours",
            )
        ],
    ]
)
DEFECTS = re.compile(
    r"Injected defects: ([\d,]+) readings with null sensors \(([\d,]+) with ALL sensors null\), "
    r"([\d,]+) spikes, ([\d,]+) duplicate retransmissions \(([\d,]+) with changed values\), "
    r"([\d,]+) late arrivals, ([\d,]+) future-dated readings"
)
FOLDER = re.compile(r" {2}date=(\S+): ([\d,]+) rows in (.+)$")


def number(text: str) -> int:
    return int(text.replace(",", ""))


def simulate(raw: Path) -> dict:
    t0 = time.monotonic()
    proc = run_job("simulator", "--raw", raw, *ARGS)
    print(f"simulator 3x2 through spark-submit: {time.monotonic() - t0:.1f} s")
    lines = proc.stderr.splitlines()
    defects = next(DEFECTS.search(line) for line in lines if DEFECTS.search(line))
    folders = {}
    for line in lines:
        m = FOLDER.search(line)
        if m:
            folders[m.group(1)] = (number(m.group(2)), m.group(3).split(", "))
    keys = ("nulls", "all_null", "spikes", "duplicates", "changed", "late", "future")
    return {
        "stderr": proc.stderr,
        "folders": folders,
        **{k: number(v) for k, v in zip(keys, defects.groups(), strict=True)},
    }


@pytest.fixture(scope="module")
def runs(request, jars):
    """Two runs with the same arguments into two directories (two JVMs), made once per test
    session and read by the tests on both xdist workers."""

    def build(base: Path) -> dict:
        return {
            "runs": [
                (str(base / f"run{i}" / "raw"), simulate(base / f"run{i}" / "raw")) for i in (1, 2)
            ]
        }

    return [
        (Path(raw), report)
        for raw, report in build_once(request.config, "simulator-runs", build)["runs"]
    ]


@pytest.fixture(scope="module")
def raw(runs) -> Path:
    return runs[0][0]


@pytest.fixture(scope="module")
def report(runs) -> dict:
    return runs[0][1]


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def folder_rows(raw: Path, day: str) -> list[dict]:
    rows = []
    for f in sorted((raw / "sensor_readings" / f"date={day}").glob("*.parquet")):
        kind = f.name.split("-")[0]
        rows += [{**r, "kind": kind} for r in pq.read_table(f).to_pylist()]
    return rows


def test_banner(report):
    assert "Generating sensor data for 3 compressors over 2 days..." in report["stderr"]
    assert "Total readings: 864" in report["stderr"]
    assert (
        f"Saved {READINGS + report['duplicates'] + report['future']:,} rows in" in report["stderr"]
    )
    assert "SUMMARY stage=simulator status=success readings=864" in report["stderr"]


def test_landing_layout(raw, report):
    expected = {"compressor_metadata.csv", "maintenance_logs.csv", "stations.csv"}
    for day, (_, names) in report["folders"].items():
        expected |= {f"sensor_readings/date={day}/{n}" for n in names}
    assert set(files(raw)) == expected  # nothing else: no _SUCCESS, .crc or staging leftovers
    assert sorted(report["folders"]) == [d.isoformat() for d in DAYS]
    for _, names in report["folders"].values():
        assert "part-00000.parquet" in names
        assert all(re.fullmatch(r"(part|retransmit)-\d{5}\.parquet", n) for n in names)
    for name in (n for n in files(raw) if n.endswith(".parquet")):
        assert pq.read_schema(raw / name).remove_metadata() == RAW_SCHEMA, name
    header = {
        "compressor_metadata.csv": "compressor_id,model,horsepower,install_date,station_id",
        "maintenance_logs.csv": "maintenance_id,compressor_id,maintenance_type,description,"
        "performed_at,cost_usd,performed_by,notes",
        "stations.csv": "station_id,station_name,latitude,longitude,region,state",
    }
    for name, first in header.items():
        lines = (raw / name).read_text().splitlines()
        assert lines[0] == first
    assert len((raw / "compressor_metadata.csv").read_text().splitlines()) == 1 + 3
    assert len((raw / "stations.csv").read_text().splitlines()) == 1 + 1


def test_row_counts_per_day_folder(raw, report):
    """Each folder holds that day's on-time readings, the previous day's late ones, the
    retransmissions landed that day and any future-dated readings; every reading of the period
    is first-delivered exactly once."""
    first_deliveries: dict[date, int] = {d: 0 for d in DAYS}
    keys = set()
    totals = {"late": 0, "retransmit": 0, "future": 0}
    for day in DAYS:
        rows = folder_rows(raw, day.isoformat())
        assert len(rows) == report["folders"][day.isoformat()][0]
        for r in rows:
            ts = r["timestamp"]
            if r["kind"] == "retransmit":
                totals["retransmit"] += 1
                assert ts.date() in (day, day - timedelta(days=1))
            elif ts >= PERIOD_END:
                totals["future"] += 1
            else:
                assert ts.date() in (day, day - timedelta(days=1)), r
                totals["late"] += ts.date() != day
                first_deliveries[ts.date()] += 1
                keys.add((r["compressor_id"], ts))
    assert first_deliveries == {d: 3 * 144 for d in DAYS}
    assert len(keys) == READINGS
    assert totals == {
        "late": report["late"],
        "retransmit": report["duplicates"],
        "future": report["future"],
    }
    assert report["future"] == 5
    assert sum(n for n, _ in report["folders"].values()) == READINGS + report["duplicates"] + 5


def test_null_defects_are_visible_in_the_files(raw, report):
    sensors = [f.name for f in RAW_SCHEMA][2:8]
    parts = [r for d in DAYS for r in folder_rows(raw, d.isoformat()) if r["kind"] == "part"]
    assert sum(any(r[c] is None for c in sensors) for r in parts) == report["nulls"]
    assert sum(all(r[c] is None for c in sensors) for r in parts) == report["all_null"]


def test_same_arguments_give_byte_identical_files_in_another_jvm(runs):
    (raw1, _), (raw2, _) = runs
    f1, f2 = files(raw1), files(raw2)
    assert list(f1) == list(f2)
    for name in f1:
        assert f1[name] == f2[name], name
