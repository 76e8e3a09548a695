"""A damaged Delta table under a stage, through the shipped gold jar: an empty or cut-short
newest commit file, a commit that lost the files it added, a missing data file. Each stops the
stage with exit 2 and one error line naming the table, version or file and what to do, no stack
trace, and nothing written: a damaged table never reads as a smaller one.

The lake is simulated (2 compressors, 1 day) and run through bronze and silver for the day, once
per session; each test damages its own copy of it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import build_once, delta_table, run_job, run_stage

DATE = "2024-02-01"
RUN_ID = "scheduled__2024-02-02T00:00:00+00:00"
SILVER = "silver/sensor_readings"


@pytest.fixture(scope="module")
def small_lake(request, jars) -> Path:
    def build(out: Path) -> dict:
        run_job(
            "simulator", "--raw", out / "raw", "--seed", "7", "--compressors", "2", "--days", "1"
        )
        for stage in ("bronze", "silver"):
            run_stage(
                stage,
                "--raw",
                out / "raw",
                "--lake",
                out / "lake",
                "--date",
                DATE,
                "--run-id",
                RUN_ID,
            )
        return {"lake": str(out / "lake")}

    return Path(build_once(request.config, "storage-faults-lake", build)["lake"])


@pytest.fixture
def lake(small_lake, tmp_path) -> Path:
    copy = tmp_path / "lake"
    shutil.copytree(small_lake, copy)
    return copy


def silver_ledger_row(lake: Path) -> dict:
    rows = delta_table(lake / "ops" / "pipeline_runs").to_pyarrow_table().to_pylist()
    [row] = [r for r in rows if r["stage"] == "silver" and r["status"] == "success"]
    return row


def commit_file(lake: Path, version: int) -> Path:
    log = lake / SILVER / "_delta_log"
    # the local file system's checksum of the commit would fail the read before Delta sees it
    (log / f".{version:020d}.json.crc").unlink(missing_ok=True)
    return log / f"{version:020d}.json"


def run_gold(lake: Path):
    return run_stage("gold", "--lake", lake, "--date", DATE, "--run-id", RUN_ID, check=False)


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("altaviz-gold: error:")]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


def assert_refused_cleanly(proc, lake: Path) -> str:
    assert proc.returncode == 2, proc.stderr[-4000:]
    assert not re.search(r"^\s+at \S+\(", proc.stderr, re.M), proc.stderr[-4000:]
    assert not (lake / "gold" / "sensor_features" / "_delta_log").exists()
    return error_line(proc.stderr)


def test_an_empty_newest_silver_commit_is_refused_not_read_as_an_empty_table(lake):
    version = silver_ledger_row(lake)["output_version"]
    commit = commit_file(lake, version)
    commit.write_bytes(b"")
    line = assert_refused_cleanly(run_gold(lake), lake)
    assert line == (
        f"altaviz-gold: error: Delta table {lake / SILVER}: commit file {commit} of version "
        f"{version} is empty (0 bytes); the table cannot be read as of v{version}. Restore the "
        f"file from a backup, or, if no later version exists, move it away (the table is then "
        f"at v{version - 1}) and re-run the stage that wrote it"
    )


def test_a_newest_silver_commit_cut_short_inside_a_line_is_refused(lake):
    version = silver_ledger_row(lake)["output_version"]
    commit = commit_file(lake, version)
    commit.write_bytes(commit.read_bytes()[:300])
    line = assert_refused_cleanly(run_gold(lake), lake)
    assert f"commit file {commit} of version {version} is cut short or corrupt" in line


def test_a_silver_version_without_the_rows_the_ledger_records_is_refused(lake):
    """The commit keeps its first line (commitInfo, valid JSON) but lost the files it added, as
    if cut short at a line end: the version reads as a table without the day's rows."""
    row = silver_ledger_row(lake)
    version, rows_out = row["output_version"], row["rows_out"]
    assert rows_out > 0
    commit = commit_file(lake, version)
    lines = commit.read_bytes().splitlines(keepends=True)
    assert "commitInfo" in json.loads(lines[0])
    commit.write_bytes(lines[0])
    line = assert_refused_cleanly(run_gold(lake), lake)
    assert re.fullmatch(
        rf"altaviz-gold: error: {re.escape(str(lake / SILVER))} v{version} holds 0 rows in "
        rf"\[\S+, \S+\) but the ledger says silver run {re.escape(RUN_ID)} wrote {rows_out}: "
        r"the table's log or data files are damaged; nothing written \(restore them, or RESTORE "
        rf"the table to its last good version and re-run silver\)",
        line,
    ), line


def test_a_missing_silver_data_file_stops_gold_with_one_line_naming_it(lake):
    data = sorted((lake / SILVER).rglob("*.parquet"))
    assert data
    data[0].unlink()
    line = assert_refused_cleanly(run_gold(lake), lake)
    assert line.startswith(
        f"altaviz-gold: error: data file file:{data[0]} of Delta table "
        f"file:{lake / SILVER} is missing: restore the file"
    ), line
    assert "RESTORE the table" in line
