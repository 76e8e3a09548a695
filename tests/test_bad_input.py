"""Bad-input corpus: bad deliveries through the shipped bronze and silver jars
(spark-submit, real Delta). Each kind has its asserted outcome — quarantined with a named rule, a
value nulled and kept, a counted duplicate, accepted as valid, or exit code 2/3 with a one-line
message naming the file, column or rule — and in every case nothing is lost: either the run wrote
nothing at all (failures) or

    bronze rows = silver rows + whole-row quarantine rows + dropped duplicates

(reconciliation invariant), counted from the tables themselves.

The row-level kinds share one landing zone (one bronze and one silver run, each kind on its own
compressor/time slot); the kinds that must stop a run get one bronze run each (the rest of
them run in-JVM in BronzeJobTest)."""

from __future__ import annotations

import math
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from conftest import build_once, warm_run
from reliability.support import DIST, Run, delta_tables, run

DAY = datetime(2024, 2, 1, tzinfo=UTC)
DATE = "2024-02-01"
RUN_ID = "scheduled__2024-02-01T00:00:00+00:00"
SENSORS = (
    "vibration_mms",
    "discharge_temp_f",
    "suction_pressure_psi",
    "discharge_pressure_psi",
    "horsepower_consumption",
    "gas_flow_mcf",
)
MEASURES = (*SENSORS, "operating_hours")
TS = pa.timestamp("us", tz="UTC")
RAW_SCHEMA = pa.schema(
    [("compressor_id", pa.string()), ("timestamp", TS), *[(m, pa.float64()) for m in MEASURES]]
)
FLEET = ("COMP-001", "COMP-002", "COMP-003")

METADATA_CSV = (
    "compressor_id,model,horsepower,install_date,station_id\n"
    "COMP-001,Ajax DPC-360,1500.0,2019-04-05,STN-001\n"
    "COMP-002,Caterpillar G3608,2500.0,2022-09-27,STN-001\n"
    "COMP-003,Caterpillar G3606,1875.0,2014-02-16,STN-001\n"
)
MAINTENANCE_CSV = (
    "maintenance_id,compressor_id,maintenance_type,description,performed_at,"
    "cost_usd,performed_by,notes\n"
    "MNT-000001,COMP-002,inspection,Routine inspection,2024-01-16T11:00:00Z,"
    "556.00,K. Nguyen,No findings\n"
)
STATIONS_CSV = (
    "station_id,station_name,latitude,longitude,region,state\n"
    "STN-001,Permian Basin Station 1,32.1068,-102.1150,Permian Basin,TX\n"
)


def at(hh: int, mm: int = 0) -> datetime:
    return DAY + timedelta(hours=hh, minutes=mm)


def smooth(compressor: str, t: datetime) -> dict:
    """A noise-free daily cycle per compressor: never flagged as a spike (a centred window of
    a smooth curve deviates from its median by far less than 4 scaled MADs)."""
    c = FLEET.index(compressor) if compressor in FLEET else 0
    minutes = (t - DAY).total_seconds() / 60
    ph = 2 * math.pi * minutes / 1440
    return {
        "compressor_id": compressor,
        "timestamp": t,
        "vibration_mms": 2.5 + 0.5 * c + 0.4 * math.sin(ph),
        "discharge_temp_f": 195 + 5 * c + 10 * math.sin(ph),
        "suction_pressure_psi": 55 + 2 * c + 3 * math.cos(ph),
        "discharge_pressure_psi": 1000 + 20 * c + 30 * math.sin(ph),
        "horsepower_consumption": 1300 + 50 * c + 40 * math.cos(ph),
        "gas_flow_mcf": 9000 + 300 * c + 200 * math.sin(ph),
        "operating_hours": 10000 + 1000 * c + minutes / 60,
    }


def table(rows: list[dict], schema: pa.Schema = RAW_SCHEMA) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def write_csvs(
    raw: Path,
    metadata: str | bytes = METADATA_CSV,
    maintenance: str | bytes = MAINTENANCE_CSV,
    stations: str | bytes = STATIONS_CSV,
) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("compressor_metadata.csv", metadata),
        ("maintenance_logs.csv", maintenance),
        ("stations.csv", stations),
    ):
        if text is None:
            continue
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (raw / name).write_bytes(data)


def folder(raw: Path, date: str = DATE) -> Path:
    d = raw / "sensor_readings" / f"date={date}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def delta_rows(lake: Path, name: str) -> list[dict]:
    return DeltaTable(str(lake / name)).to_pyarrow_table().to_pylist()


# ---------------------------------------------------------------------------------------------
# row-level kinds: one landing zone, one bronze and one silver run

# (kind, compressor, timestamp or None) -> the delivered row. Every slot is removed from the
# smooth base so that only the defective delivery exists for it (except the duplicates).
SLOTS = {
    "some sensor values null": ("COMP-001", at(1, 0)),
    "all sensor values null": ("COMP-001", at(1, 10)),
    "NaN value": ("COMP-001", at(2, 0)),
    "+Infinity value": ("COMP-001", at(3, 0)),
    "-Infinity value": ("COMP-001", at(4, 0)),
    "negative value": ("COMP-002", at(2, 0)),
    "value above the physical maximum": ("COMP-002", at(3, 0)),
    "single-reading spike": ("COMP-002", at(6, 0)),
    "unknown compressor": ("COMP-999", at(7, 0)),
    "null compressor_id": (None, at(8, 0)),
    "null timestamp": ("COMP-001", None),
    "future timestamp": ("COMP-002", datetime(2024, 2, 5, 12, tzinfo=UTC)),
    "timestamp far in the past": ("COMP-003", datetime(2001, 1, 1, tzinfo=UTC)),
}
CONFLICT = ("COMP-003", at(5, 0))  # delivered twice with different values
EXACT_DUP = ("COMP-003", at(6, 0))  # the same row twice in one file
INT96_SLOTS = [("COMP-003", at(9, 10 * i)) for i in range(6)]
MILLIS_SLOTS = [("COMP-003", at(10, 10 * i)) for i in range(6)]
EXTRA_SLOTS = [("COMP-003", at(11, 10 * i)) for i in range(6)]
REORDERED_SLOTS = [("COMP-003", at(12, 10 * i)) for i in range(6)]


def defective(kind: str) -> dict:
    c, t = SLOTS[kind]
    row = smooth(c or "COMP-001", t or at(0))
    row["compressor_id"], row["timestamp"] = c, t
    if kind == "some sensor values null":
        row["vibration_mms"] = row["discharge_temp_f"] = None
    elif kind == "all sensor values null":
        for s in SENSORS:
            row[s] = None
    elif kind == "NaN value":
        row["vibration_mms"] = float("nan")
    elif kind == "+Infinity value":
        row["discharge_temp_f"] = float("inf")
    elif kind == "-Infinity value":
        row["suction_pressure_psi"] = float("-inf")
    elif kind == "negative value":
        row["gas_flow_mcf"] = -5.0
    elif kind == "value above the physical maximum":
        row["vibration_mms"] = 75.0
    elif kind == "single-reading spike":
        row["horsepower_consumption"] *= 3
    return row


@dataclass
class Corpus:
    raw: Path
    lake: Path
    bronze: Run
    silver: Run

    def silver_rows(self) -> list[dict]:
        return delta_rows(self.lake, "silver/sensor_readings")

    def quarantine(self) -> list[dict]:
        return delta_rows(self.lake, "silver/quarantine")

    def bronze_rows(self) -> list[dict]:
        return delta_rows(self.lake, "bronze/sensor_readings")

    def metrics(self) -> dict[tuple[str, str], float]:
        return {
            (m["metric"], m["column_name"]): m["value"]
            for m in delta_rows(self.lake, "ops/quality_metrics")
            if m["stage"] == "silver" and m["run_id"] == RUN_ID
        }


def _run_json(r: Run) -> dict:
    return {
        "job": r.job,
        "args": [str(a) for a in r.args],
        "returncode": r.returncode,
        "seconds": r.seconds,
        "log": r.log,
    }


def _run_from_json(d: dict) -> Run:
    return Run(
        job=d["job"],
        args=tuple(d["args"]),
        returncode=d["returncode"],
        seconds=d["seconds"],
        log=d["log"],
    )


@pytest.fixture(scope="module")
def corpus(request) -> Corpus:
    """The landing zone and its bronze and silver runs, built once per test session (both
    xdist workers run these tests and read the same lake; no test writes to it)."""
    if not (DIST / "altaviz-bronze.jar").exists() or not (DIST / "altaviz-silver.jar").exists():
        pytest.fail("jars not built; run 'make build' (make test does)")
    built = build_once(request.config, "bad-input-corpus", _build_corpus)
    return Corpus(
        Path(built["raw"]),
        Path(built["lake"]),
        _run_from_json(built["bronze"]),
        _run_from_json(built["silver"]),
    )


def _build_corpus(base: Path) -> dict:
    raw, lake = base / "raw", base / "lake"
    # CSV dimension with reordered columns (read by name), and one with an extra column
    write_csvs(
        raw,
        metadata="station_id,install_date,compressor_id,horsepower,model\n"
        "STN-001,2019-04-05,COMP-001,1500.0,Ajax DPC-360\n"
        "STN-001,2022-09-27,COMP-002,2500.0,Caterpillar G3608\n"
        "STN-001,2014-02-16,COMP-003,1875.0,Caterpillar G3606\n",
        stations="station_id,station_name,latitude,longitude,region,state,manager\n"
        "STN-001,Permian Basin Station 1,32.1068,-102.1150,Permian Basin,TX,"
        "J. Doe\n",
    )
    d = folder(raw)
    special = (
        {(c, t) for c, t in SLOTS.values()}
        | {EXACT_DUP}
        | set(INT96_SLOTS)
        | set(MILLIS_SLOTS)
        | set(EXTRA_SLOTS)
        | set(REORDERED_SLOTS)
    )
    base_rows = [
        smooth(c, at(0) + timedelta(minutes=10 * i))
        for c in FLEET
        for i in range(144)
        if (c, at(0) + timedelta(minutes=10 * i)) not in special
    ]
    pq.write_table(table(base_rows), d / "part-00000.parquet")
    kinds = [defective(k) for k in SLOTS] + [smooth(*EXACT_DUP), smooth(*EXACT_DUP)]
    pq.write_table(table(kinds), d / "part-00001.parquet")
    # conflicting retransmission: a later file name wins the tie (same ingest, same folder)
    changed = smooth(*CONFLICT)
    changed["vibration_mms"] += 0.01
    changed["operating_hours"] += 1.0
    pq.write_table(table([changed]), d / "retransmit-00000.parquet")
    # legacy INT96 timestamps, millisecond timestamps, an extra column, reordered columns
    pq.write_table(
        table([smooth(c, t) for c, t in INT96_SLOTS]),
        d / "legacy-int96.parquet",
        use_deprecated_int96_timestamps=True,
    )
    millis = RAW_SCHEMA.set(1, pa.field("timestamp", pa.timestamp("ms", tz="UTC")))
    pq.write_table(table([smooth(c, t) for c, t in MILLIS_SLOTS], millis), d / "millis.parquet")
    extra = table([smooth(c, t) for c, t in EXTRA_SLOTS])
    pq.write_table(
        extra.append_column("firmware", pa.array(["v2.1"] * len(EXTRA_SLOTS))),
        d / "extra-column.parquet",
    )
    reordered = table([smooth(c, t) for c, t in REORDERED_SLOTS])
    pq.write_table(
        reordered.select(list(reversed(reordered.column_names))), d / "reordered-columns.parquet"
    )
    # a valid file with no rows
    pq.write_table(table([]), d / "zero-rows.parquet")

    bronze, silver = (
        warm_run(stage, "--raw", raw, "--lake", lake, "--date", DATE, "--run-id", RUN_ID)
        for stage in ("bronze", "silver")
    )
    return {
        "raw": str(raw),
        "lake": str(lake),
        "bronze": _run_json(bronze),
        "silver": _run_json(silver),
    }


def _key(row: dict) -> tuple:
    return row["compressor_id"], row["timestamp"]


def _quarantined(corpus: Corpus, slot: tuple) -> list[dict]:
    return [q for q in corpus.quarantine() if _key(q) == slot]


def _silver(corpus: Corpus, slot: tuple) -> list[dict]:
    return [r for r in corpus.silver_rows() if _key(r) == slot]


WHOLE_ROW = {  # kind -> (rule, reason)
    "all sensor values null": ("all_sensors_null", "every sensor value is null"),
    "unknown compressor": (
        "unknown_compressor",
        "compressor_id COMP-999 is not in bronze/compressor_metadata",
    ),
    "null compressor_id": ("null_keys", "compressor_id is null"),
    "null timestamp": ("null_keys", "timestamp is null"),
    "future timestamp": ("future_timestamp", None),
}
VALUE_LEVEL = {  # kind -> (rule, column, original value)
    "NaN value": ("physical_range", "vibration_mms", "NaN"),
    "+Infinity value": ("physical_range", "discharge_temp_f", math.inf),
    "-Infinity value": ("physical_range", "suction_pressure_psi", -math.inf),
    "negative value": ("physical_range", "gas_flow_mcf", -5.0),
    "value above the physical maximum": ("physical_range", "vibration_mms", 75.0),
    "single-reading spike": ("spike", "horsepower_consumption", None),
}


@pytest.mark.parametrize("kind", sorted(WHOLE_ROW))
def test_whole_row_defects_are_quarantined_with_their_rule(corpus, kind):
    rule, reason = WHOLE_ROW[kind]
    slot = SLOTS[kind]
    q = _quarantined(corpus, slot)
    assert not _silver(corpus, slot), f"{kind}: the row reached silver"
    assert len(q) == 1, f"{kind}: want one quarantine row for {slot}, got {q}"
    assert q[0]["column_name"] is None and q[0]["original_value"] is None
    if rule:
        assert q[0]["rule"] == rule
    assert q[0]["reason"], f"{kind}: no reason"
    if reason:
        assert q[0]["reason"] == reason
    if kind == "future timestamp":
        assert q[0]["reason"].startswith("timestamp 2024-02-05T12:00:00Z is later than")
    # the measures are kept as delivered
    delivered = defective(kind)
    for m in MEASURES:
        assert _same(q[0][m], delivered[m]), f"{kind}: {m} {q[0][m]} != {delivered[m]}"
    assert q[0]["_source_file"].endswith("date=2024-02-01/part-00001.parquet")


def test_a_reading_older_than_the_lookback_stays_in_bronze_and_is_reported(corpus):
    """Silver reads the timestamps of [start - lookback, end). A reading landed today but stamped
    2001 belongs to 2001's interval: it is neither silver nor quarantine of this run (a re-run of
    its interval picks it up), and it is not silent either."""
    slot = SLOTS["timestamp far in the past"]
    assert [_key(r) for r in corpus.bronze_rows() if _key(r) == slot] == [slot]
    assert not _silver(corpus, slot) and not _quarantined(corpus, slot)
    assert corpus.metrics()[("late_beyond_lookback", "*")] == 1.0
    assert (
        "1 rows landed in these folders are older than the lookback: not processed;"
        " re-run the intervals they belong to"
    ) in corpus.silver.log


@pytest.mark.parametrize("kind", sorted(VALUE_LEVEL))
def test_value_defects_are_nulled_in_silver_and_kept_in_quarantine(corpus, kind):
    rule, column, original = VALUE_LEVEL[kind]
    slot = SLOTS[kind]
    delivered = defective(kind)
    [row] = _silver(corpus, slot)
    assert row[column] is None, f"{kind}: {column} not nulled in silver"
    for m in MEASURES:
        if m != column:
            assert _same(row[m], delivered[m]), f"{kind}: {m} changed in silver"
    [q] = _quarantined(corpus, slot)
    assert (q["rule"], q["column_name"]) == (rule, column)
    want = delivered[column] if original is None else original
    assert _same(q["original_value"], want) and _same(q[column], want)
    if rule == "physical_range":
        assert (
            q["reason"].startswith(f"{column} = ") and "outside the physical range" in (q["reason"])
        )


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if b == "NaN":
        return isinstance(a, float) and math.isnan(a)
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, float) and math.isnan(a)
    return a == b


def test_null_sensor_values_stay_in_silver_as_missing_values(corpus):
    slot = SLOTS["some sensor values null"]
    [row] = _silver(corpus, slot)
    assert row["vibration_mms"] is None and row["discharge_temp_f"] is None
    assert row["gas_flow_mcf"] == pytest.approx(
        defective("some sensor values null")["gas_flow_mcf"]
    )
    assert not _quarantined(corpus, slot)


def test_conflicting_duplicates_keep_the_latest_delivery_and_are_counted(corpus):
    [row] = _silver(corpus, CONFLICT)
    want = smooth(*CONFLICT)
    assert row["vibration_mms"] == want["vibration_mms"] + 0.01
    assert row["operating_hours"] == want["operating_hours"] + 1.0
    assert row["_source_file"].endswith("retransmit-00000.parquet")
    assert not _quarantined(corpus, CONFLICT)


def test_exact_duplicate_rows_leave_one_silver_row(corpus):
    assert len(_silver(corpus, EXACT_DUP)) == 1
    assert not _quarantined(corpus, EXACT_DUP)
    assert corpus.metrics()[("dropped_duplicates", "*")] == 2.0


@pytest.mark.parametrize(
    "kind,slots",
    [
        ("legacy INT96 timestamps", INT96_SLOTS),
        ("millisecond timestamps", MILLIS_SLOTS),
        ("extra column", EXTRA_SLOTS),
        ("reordered Parquet columns", REORDERED_SLOTS),
    ],
)
def test_compatible_file_variants_are_ingested_exactly(corpus, kind, slots):
    got = {_key(r): r for r in corpus.silver_rows() if _key(r) in set(slots)}
    assert sorted(got) == sorted(slots), f"{kind}: rows missing from silver"
    for slot in slots:
        want = smooth(*slot)
        for m in MEASURES:
            assert got[slot][m] == want[m], f"{kind}: {slot} {m}"
    if kind == "extra column":
        bronze = DeltaTable(str(corpus.lake / "bronze/sensor_readings"))
        assert "firmware" not in [f.name for f in bronze.schema().fields]


def test_a_zero_row_file_is_accepted_and_adds_nothing(corpus):
    files = {r["_source_file"].rsplit("/", 1)[-1] for r in corpus.bronze_rows()}
    assert "zero-rows.parquet" not in files
    assert "zero-rows.parquet: 0 rows" in corpus.bronze.log


def test_dimension_csvs_are_read_by_header_name(corpus):
    meta = {r["compressor_id"]: r for r in delta_rows(corpus.lake, "bronze/compressor_metadata")}
    assert (
        meta["COMP-002"]["model"],
        meta["COMP-002"]["horsepower"],
        str(meta["COMP-002"]["install_date"]),
        meta["COMP-002"]["station_id"],
    ) == ("Caterpillar G3608", 2500.0, "2022-09-27", "STN-001")
    [station] = delta_rows(corpus.lake, "bronze/stations")
    assert "manager" not in station and station["station_name"] == "Permian Basin Station 1"


def test_corpus_reconciles_nothing_lost(corpus):
    everything = corpus.bronze_rows()
    # the bronze rows of this interval: all but the one stamped before the lookback
    lookback_start = DAY - timedelta(hours=24)
    bronze = [r for r in everything if r["timestamp"] is None or r["timestamp"] >= lookback_start]
    assert len(everything) - len(bronze) == 1
    silver = corpus.silver_rows()
    quarantine = corpus.quarantine()
    whole = [q for q in quarantine if q["column_name"] is None]
    # duplicates: rows of one key beyond the first among rows that reached the dedup step
    removed_before_dedup = {(q["compressor_id"], q["timestamp"], q["_source_file"]) for q in whole}
    keys = [
        _key(r)
        for r in bronze
        if (r["compressor_id"], r["timestamp"], r["_source_file"]) not in removed_before_dedup
    ]
    duplicates = len(keys) - len(set(keys))
    raw_rows = sum(
        pq.ParquetFile(f).metadata.num_rows
        for f in (corpus.raw / "sensor_readings").rglob("*.parquet")
    )
    print(
        f"\ncorpus: raw {raw_rows}, bronze {len(bronze)}, silver {len(silver)}, whole-row "
        f"quarantine {len(whole)}, dropped duplicates {duplicates}, value rejections "
        f"{len(quarantine) - len(whole)}"
    )
    assert len(everything) == raw_rows
    assert duplicates == 2
    assert len(bronze) == len(silver) + len(whole) + duplicates, (
        "reconciliation: bronze rows != silver + quarantined rows + dropped duplicates"
    )
    m = corpus.metrics()
    assert (
        m[("input_rows", "*")],
        m[("silver_rows", "*")],
        m[("quarantined_rows", "*")],
        m[("dropped_duplicates", "*")],
        m[("unaccounted_rows", "*")],
    ) == (len(bronze), len(silver), len(whole), duplicates, 0.0)
    assert "Reconciliation: bronze rows" in corpus.silver.log and "✓" in corpus.silver.log


# ---------------------------------------------------------------------------------------------
# kinds that must stop the run: exit 2 (or 3) with one line naming the file/column/rule, and
# nothing written (the valid file next to the bad one is not ingested either). Through the
# shipped jar: one kind of each reader (Parquet bytes, Parquet schema, CSV) and the two that need
# an unprivileged user; the other kinds of the same readers (corrupt footer, empty file, missing
# or mistyped column, malformed or non-UTF-8 CSV, missing CSV, stray folder, missing raw root)
# are BronzeJobTest's, in one JVM.


def good_file(d: Path) -> None:
    pq.write_table(
        table([smooth(c, at(0) + timedelta(minutes=10 * i)) for c in FLEET for i in range(144)]),
        d / "part-00000.parquet",
    )


def bad_truncated(raw: Path) -> str:
    d = folder(raw)
    good_file(d)
    data = (d / "part-00000.parquet").read_bytes()
    (d / "part-00001.parquet").write_bytes(data[: len(data) // 2])
    return f"raw file {_uri(d / 'part-00001.parquet')} is not a readable Parquet file"


def bad_nanosecond_timestamps(raw: Path) -> str:
    d = folder(raw)
    good_file(d)
    schema = RAW_SCHEMA.set(1, pa.field("timestamp", pa.timestamp("ns", tz="UTC")))
    pq.write_table(
        table([smooth("COMP-001", at(0))], schema), d / "part-00001.parquet", version="2.6"
    )
    return (
        f"raw file {_uri(d / 'part-00001.parquet')} has an incompatible schema: "
        "column timestamp is int64 (TIMESTAMP(NANOS,true)), expected timestamp"
    )


def bad_csv_value(raw: Path) -> str:
    good_file(folder(raw))
    write_csvs(raw, metadata=METADATA_CSV.replace("2500.0", "2500 hp"))
    return (
        f"dimension file {_uri(raw / 'compressor_metadata.csv')}, data row 2: column "
        "'horsepower' value '2500 hp' is not a double"
    )


def bad_unreadable_folder(raw: Path) -> str:
    d = folder(raw)
    good_file(d)
    d.chmod(0)
    return "cannot list raw landing folder"


def bad_unreadable_file(raw: Path) -> str:
    d = folder(raw)
    good_file(d)
    (d / "part-00000.parquet").chmod(0)
    return f"cannot read raw file {_uri(d / 'part-00000.parquet')}"


def _uri(p: Path) -> str:
    return f"file:{p}"


# kind -> (builder, expected exit code, run as an unprivileged user)
STOPPING = {
    "truncated Parquet file": (bad_truncated, 2, None),
    "nanosecond timestamps": (bad_nanosecond_timestamps, 2, None),
    "CSV value that is not its type": (bad_csv_value, 2, None),
    "unreadable landing folder": (bad_unreadable_folder, 2, "nobody"),
    "unreadable raw file": (bad_unreadable_file, 2, "nobody"),
}


@pytest.fixture
def world_dir():
    """A scratch directory an unprivileged user can use (pytest's tmp dirs are private)."""
    d = Path(tempfile.mkdtemp(prefix="altaviz-bad-", dir="/tmp"))
    d.chmod(0o777)
    try:
        yield d
    finally:
        for p in d.rglob("*"):
            if not p.is_symlink():
                p.chmod(stat.S_IRWXU | (p.stat().st_mode & 0o777))
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("kind", sorted(STOPPING))
def test_bad_delivery_stops_bronze_with_one_line_and_writes_nothing(kind, world_dir):
    build, code, user = STOPPING[kind]
    raw, lake = world_dir / "raw", world_dir / "lake"
    write_csvs(raw)
    (raw / "sensor_readings").mkdir(parents=True, exist_ok=True)
    expected = build(raw)
    if user:
        os.chmod(world_dir, 0o777)
        for p in [raw, *raw.rglob("*")]:
            if p.exists() and p.stat().st_mode & 0o777:
                p.chmod(p.stat().st_mode | (0o755 if p.is_dir() else 0o644))
        lake.mkdir(mode=0o777)
        lake.chmod(0o777)
    r = run(
        "bronze",
        "--raw",
        raw,
        "--lake",
        lake,
        "--date",
        DATE,
        "--run-id",
        RUN_ID,
        log_dir=world_dir / "logs",
        user=user,
    )
    print(f"\n{kind}: exit {r.returncode}: {r.error_lines}")
    assert r.returncode == code, f"{kind}: exit {r.returncode}\n{r.log[-3000:]}"
    assert len(r.error_lines) == 1, f"{kind}: {r.error_lines}\n{r.log[-3000:]}"
    assert r.error_lines[0].startswith("altaviz-bronze: error: " + expected), (
        f"{kind}: want 'altaviz-bronze: error: {expected}...', got {r.error_lines[0]!r}"
    )
    assert not r.stack_trace_lines, f"{kind}: stack trace\n{r.log[-3000:]}"
    # nothing written for the run but its failed ledger row
    assert sorted(delta_tables(lake)) == ["ops/pipeline_runs"], sorted(delta_tables(lake))
    [ledger] = delta_rows(lake, "ops/pipeline_runs")
    assert (ledger["stage"], ledger["status"], ledger["rows_out"]) == ("bronze", "failed", 0)
    assert ledger["message"] == r.error_lines[0].removeprefix("altaviz-bronze: error: ")


def test_a_bronze_run_that_fails_while_appending_leaves_the_dimension_tables_unchanged(tmp_path):
    """Day 2 delivers new readings and a changed compressor_metadata.csv; the run dies while it
    appends the readings (failpoint bronze.during-readings-write, as a data page that does not
    decode would stop it). No dimension table may change: they are written only after the
    readings are committed. The retry then writes both."""
    raw, lake, logs = tmp_path / "raw", tmp_path / "lake", tmp_path / "logs"
    write_csvs(raw)
    good_file(folder(raw))
    warm_run("bronze", "--raw", raw, "--lake", lake, "--date", DATE, "--run-id", RUN_ID)
    dims = ("bronze/compressor_metadata", "bronze/maintenance_logs", "bronze/stations")
    before = {t: (DeltaTable(str(lake / t)).version(), delta_rows(lake, t)) for t in dims}
    readings_version = DeltaTable(str(lake / "bronze/sensor_readings")).version()

    day2, run2 = "2024-02-02", "scheduled__2024-02-02T00:00:00+00:00"
    write_csvs(raw, metadata=METADATA_CSV.replace("Ajax DPC-360", "Ajax DPC-2804"))
    pq.write_table(
        table([smooth("COMP-001", DAY + timedelta(days=1, minutes=10 * i)) for i in range(6)]),
        folder(raw, day2) / "part-00000.parquet",
    )
    r = run(
        "bronze",
        "--raw",
        raw,
        "--lake",
        lake,
        "--date",
        day2,
        "--run-id",
        run2,
        env={"ALTAVIZ_FAILPOINT": "bronze.during-readings-write:halt"},
        log_dir=logs,
    )
    assert r.returncode == 137, r.log[-3000:]
    after = {t: (DeltaTable(str(lake / t)).version(), delta_rows(lake, t)) for t in dims}
    assert after == before
    assert DeltaTable(str(lake / "bronze/sensor_readings")).version() == readings_version

    warm_run("bronze", "--raw", raw, "--lake", lake, "--date", day2, "--run-id", run2)
    models = {
        r["compressor_id"]: r["model"] for r in delta_rows(lake, "bronze/compressor_metadata")
    }
    assert models["COMP-001"] == "Ajax DPC-2804"
    assert DeltaTable(str(lake / "bronze/sensor_readings")).version() == readings_version + 1


def test_a_delivery_mostly_rejected_fails_the_silver_gate_with_exit_3(tmp_path):
    raw, lake = tmp_path / "raw", tmp_path / "lake"
    write_csvs(raw)
    rows = [smooth(c, at(0) + timedelta(minutes=10 * i)) for c in FLEET for i in range(144)]
    for r in rows[::5]:  # 20% of the readings with an impossible negative vibration
        r["vibration_mms"] = -1.0
    pq.write_table(table(rows), folder(raw) / "part-00000.parquet")
    warm_run("bronze", "--raw", raw, "--lake", lake, "--date", DATE, "--run-id", RUN_ID)
    r = warm_run(
        "silver", "--raw", raw, "--lake", lake, "--date", DATE, "--run-id", RUN_ID, check=False
    )
    print(f"\nmostly rejected: exit {r.returncode}: {r.error_lines}")
    assert r.returncode == 3, r.log[-3000:]
    assert len(r.error_lines) == 1 and r.error_lines[0].startswith(
        "altaviz-silver: error: silver quality gate failed: rejected_share"
    ), r.error_lines
    assert not r.stack_trace_lines
    # silver unchanged (never created); quarantine and metrics written; nothing lost
    tables = delta_tables(lake)
    assert "silver/sensor_readings" not in tables or not delta_rows(lake, "silver/sensor_readings")
    quarantine = delta_rows(lake, "silver/quarantine")
    assert len(quarantine) == len(rows[::5])
    assert {(q["rule"], q["column_name"], q["original_value"]) for q in quarantine} == {
        ("physical_range", "vibration_mms", -1.0)
    }
    m = {(x["metric"], x["column_name"]): x for x in delta_rows(lake, "ops/quality_metrics")}
    assert m[("rejected_share", "*")]["status"] == "fail"
    assert m[("rejected_share", "*")]["value"] == pytest.approx(len(rows[::5]) / len(rows))
    assert (
        m[("input_rows", "*")]["value"],
        m[("silver_rows", "*")]["value"],
        m[("quarantined_rows", "*")]["value"],
        m[("dropped_duplicates", "*")]["value"],
        m[("unaccounted_rows", "*")]["value"],
    ) == (len(rows), len(rows), 0.0, 0.0, 0.0)
    [ledger] = [x for x in delta_rows(lake, "ops/pipeline_runs") if x["stage"] == "silver"]
    assert ledger["status"] == "quality_failed"
