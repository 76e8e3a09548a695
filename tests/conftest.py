"""Shared fixtures of the cross-component tests: the real shaded jars through the real
spark-submit (pyspark in .venv), the real local PostgreSQL, real Delta tables."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
JOBS = ("simulator", "bronze", "silver", "gold", "export", "maintenance")


def run_job(job: str, *args: str, env: dict | None = None, timeout: int = 600,
            check: bool = True) -> subprocess.CompletedProcess:
    """Runs dist/altaviz-<job>.jar through scripts/spark-submit.sh; returns the process
    (stdout/stderr captured as text). With check=True a non-zero exit fails the test and
    shows the job's stderr tail."""
    proc = subprocess.run(
        [str(ROOT / "scripts" / "spark-submit.sh"), job, *map(str, args)],
        cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True,
        timeout=timeout)
    if check and proc.returncode != 0:
        pytest.fail(f"{job} {' '.join(map(str, args))} exited {proc.returncode}:\n"
                    + proc.stderr[-4000:])
    return proc


def pg_settings() -> dict:
    """Connection settings of the configured PostgreSQL (scripts/pg.sh is the source)."""
    out = subprocess.run([str(ROOT / "scripts" / "pg.sh"), "env"], capture_output=True,
                         text=True, check=True).stdout
    pairs = out.replace("export ", "").split()
    env = dict(p.split("=", 1) for p in pairs)
    if os.environ.get("ALTAVIZ_PG_PASSWORD"):
        env["ALTAVIZ_PG_PASSWORD"] = os.environ["ALTAVIZ_PG_PASSWORD"]
    return env


@pytest.fixture(scope="session")
def jars() -> Path:
    missing = [j for j in JOBS if not (DIST / f"altaviz-{j}.jar").exists()]
    if missing:
        pytest.fail(f"jars not built: {missing}; run 'make build' (make test does)")
    return DIST


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory, jars) -> Path:
    """The default simulator data set (10 compressors x 7 days from 2024-02-01, seed 42),
    generated once per test session. Treat it as read-only."""
    raw = tmp_path_factory.mktemp("demo") / "raw"
    run_job("simulator", "--raw", raw, "--seed", "42")
    return raw


def delta_table(path: Path):
    """An independent Delta reader (delta-rs), not Spark."""
    from deltalake import DeltaTable
    return DeltaTable(str(path))
