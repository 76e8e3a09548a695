"""Shared fixtures of the cross-component tests: the real shaded jars through the real
spark-submit (pyspark in .venv) or, where the process boundary is not what a test is about, in
one warm spark-submit driver per test process (run_stage); the real local PostgreSQL, real
Delta tables."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from reliability.support import Run, SparkDriver

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
JOBS = ("simulator", "bronze", "silver", "gold", "export", "maintenance")

# the reliability reference (fixture `chain`), shared by test_reliability.py and test_cluster.py
pytest_plugins = ["reliability.chain"]

# JVM options of every driver the tests start: scripts/spark-submit.sh, the DAG's
# SparkSubmitOperator and the reliability suite's Spark reader all run bin/spark-submit, whose
# launcher adds SPARK_SUBMIT_OPTS to the driver JVM (client mode). The test data are tiny (a few
# hundred to ~10,000 rows per run), so a test driver spends most of its CPU loading and
# compiling code it runs once: C1 only (no C2 compiler threads, whose code never pays off in a
# run of a few seconds) and the serial collector (no parallel GC threads) leave the 2 cores to
# the two pytest workers' Spark tasks; on one small bronze run they about halve the driver's CPU
# time (bench/RESULTS.md, Java test JVMs). Production runs bronze and silver with C2 and G1,
# faster at 4,500 compressors (export runs C1-only there too): only this test harness sets the
# variable. The long-lived drivers (support.SparkDriver) keep C2, which pays off over their
# dozens of runs. For the same reason Spark evaluates expressions interpreted, without generating
# and compiling Java code per query (Spark reads spark.* system properties as its configuration): a
# third of the task threads' CPU in a small silver run went to Janino (JFR); without it a day-2
# run of the reliability reference used 17 % (bronze), 6 % (silver), 19 % (gold) less CPU (mean
# of two runs each). Results are the same either way (Spark's own suites run both modes); the
# Java tests, the demo and the benchmarks run the generated code.
# ALTAVIZ_TEST_JVM_OPTS="" turns it off.
TEST_JVM_OPTS = os.environ.get(
    "ALTAVIZ_TEST_JVM_OPTS",
    "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    " -Dspark.sql.codegen.wholeStage=false -Dspark.sql.codegen.factoryMode=NO_CODEGEN",
)
_SUBMIT_OPTS = os.environ.get("SPARK_SUBMIT_OPTS", "")
if TEST_JVM_OPTS:
    os.environ["SPARK_SUBMIT_OPTS"] = " ".join(filter(None, (_SUBMIT_OPTS, TEST_JVM_OPTS)))


def run_job(
    job: str, *args: str, env: dict | None = None, timeout: int = 600, check: bool = True
) -> subprocess.CompletedProcess:
    """Runs dist/altaviz-<job>.jar through scripts/spark-submit.sh; returns the process
    (stdout/stderr captured as text). With check=True a non-zero exit fails the test and
    shows the job's stderr tail."""
    proc = subprocess.run(
        [str(ROOT / "scripts" / "spark-submit.sh"), job, *map(str, args)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return _checked(proc, job, args, check)


def _checked(proc, job: str, args, check: bool):
    """With check=True a non-zero exit fails the test and shows the job's stderr tail."""
    if check and proc.returncode != 0:
        pytest.fail(
            f"{job} {' '.join(map(str, args))} exited {proc.returncode}:\n" + proc.stderr[-4000:]
        )
    return proc


WARM_JOBS = ("bronze", "silver", "gold", "export")
_warm: SparkDriver | None = None


def run_stage(
    job: str, *args: str, env: dict | None = None, timeout: int = 600, check: bool = True
) -> subprocess.CompletedProcess:
    """Runs a stage of the shipped jars as run_job does, but in this test process's warm driver
    (reliability/stage_driver.py: the job's command through JobLauncher.run in one long-lived
    spark-submit with the stage jars): a small run then costs its work, not a driver's start,
    which is most of a cold run's CPU (bronze 16.5 -> 7, silver 32 -> 16, gold 17.6 -> 5 CPU-s
    on the demo data, same tables). For tests of what a stage computes, writes and reports;
    tests of the process boundary (spark-submit, the JVM's exit code, kills, the DAG's tasks)
    use run_job. An s3a:// run (its jars are spark-submit.sh's) and ALTAVIZ_WARM_STAGES=0 run a
    process, and so does a stage other than the export given an environment (the driver's
    is fixed; the export takes its settings as a map)."""
    cold = os.environ.get("ALTAVIZ_WARM_STAGES") == "0" or job not in WARM_JOBS
    if cold or (env and job != "export") or any(str(a).startswith("s3a://") for a in args):
        return run_job(job, *args, env=env, timeout=timeout, check=check)
    global _warm
    if _warm is None:
        _warm = SparkDriver(
            ROOT / "tests" / "reliability" / "stage_driver.py",
            Path(tempfile.mkdtemp(prefix="altaviz-stages-")),
            WARM_JOBS,
            "2g",
        )
    d = _warm.request({"job": job, "args": [str(a) for a in args], "env": env}, timeout)
    proc = subprocess.CompletedProcess(
        [job, *map(str, args)], d["returncode"], d["stdout"], d["stderr"]
    )
    return _checked(proc, job, args, check)


def warm_run(job: str, *args, env: dict | None = None, check: bool = True) -> Run:
    """run_stage as a reliability.support.Run (its log: what the run printed)."""
    t0 = time.monotonic()
    proc = run_stage(job, *args, env=env, check=check)
    return Run(job, args, proc.returncode, time.monotonic() - t0, proc.stdout + proc.stderr)


def pg_settings() -> dict:
    """Connection settings of the configured PostgreSQL (scripts/pg.sh is the source)."""
    out = subprocess.run(
        [str(ROOT / "scripts" / "pg.sh"), "env"], capture_output=True, text=True, check=True
    ).stdout
    pairs = out.replace("export ", "").split()
    env = dict(p.split("=", 1) for p in pairs)
    if os.environ.get("ALTAVIZ_PG_PASSWORD"):
        env["ALTAVIZ_PG_PASSWORD"] = os.environ["ALTAVIZ_PG_PASSWORD"]
    return env


# ---------------------------------------------------------------------------------------------
# data built once per test session, shared by the pytest-xdist workers


def shared_dir(config: pytest.Config) -> Path:
    """A directory every process of this test session sees: the controller's base temp dir
    (an xdist worker's base temp dir is a subdirectory of it), or the base temp dir of a run
    without xdist."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


@contextmanager
def _locked(path: Path):
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def build_once(config: pytest.Config, name: str, build) -> dict:
    """The result of ``build(dir)`` (a JSON-able dict), computed by the first process of the
    session that asks and reused by the others; the others wait while it builds. A failed
    build leaves nothing behind, so the next process that asks builds again.

    make test spreads tests with --dist worksteal: any test may run on either worker, and a
    worker may run a file's tests in separate stretches, so a module- or session-scoped fixture
    would be set up more than once. An expensive one builds its data here instead, once per
    session. Tests on both workers then read the same files at the same time: they are
    read-only, and a test that changes them (a re-run of a stage, say) works on a copy
    (shutil.copytree to its tmp_path)."""
    shared = shared_dir(config)
    done = shared / f"{name}.json"
    with _locked(shared / f"{name}.lock"):
        if not done.exists():
            out = shared / f"{name}-{uuid.uuid4().hex[:8]}"
            out.mkdir()
            try:
                result = build(out)
            except BaseException:
                shutil.rmtree(out, ignore_errors=True)
                raise
            done.write_text(json.dumps(result))
        return json.loads(done.read_text())


def drop_at_session_end(config: pytest.Config, *databases: str) -> None:
    """PostgreSQL databases shared by the workers: the controller drops them when the whole
    session is over (pytest_sessionfinish below), not the worker that created them."""
    shared = shared_dir(config)
    with _locked(shared / "databases.lock"), open(shared / "databases-to-drop", "a") as f:
        f.writelines(f"{db}\n" for db in databases)


def pytest_sessionfinish(session):
    if _warm is not None:
        _warm.close()
        shutil.rmtree(_warm.log_dir, ignore_errors=True)
    if hasattr(session.config, "workerinput"):
        return
    todo = shared_dir(session.config) / "databases-to-drop"
    if not todo.exists():
        return
    import psycopg2

    s = pg_settings()
    conn = psycopg2.connect(
        host=s["ALTAVIZ_PG_HOST"],
        port=int(s["ALTAVIZ_PG_PORT"]),
        user=s["ALTAVIZ_PG_USER"],
        dbname="postgres",
        password=s.get("ALTAVIZ_PG_PASSWORD"),
        connect_timeout=10,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as c:
            for db in sorted(set(todo.read_text().split())):
                c.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    finally:
        conn.close()
    todo.unlink()


# ---------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session", autouse=True)
def spark_class_archive(request):
    """scripts/spark-submit.sh maps the class-data sharing archive dist/spark-classes.jsa into
    every driver and the first silver run dumps it (about 15 s more for that run). Dumped here
    once, before any test, by a silver run on one compressor-day, so that no test's run (a kill
    matrix reference, say) pays for it."""
    archive = DIST / "spark-classes.jsa"
    if (
        archive.exists()
        or os.environ.get("ALTAVIZ_CDS") == "0"
        or not all((DIST / f"altaviz-{j}.jar").exists() for j in ("simulator", "bronze", "silver"))
    ):
        return

    def dump(out: Path) -> dict:
        raw, lake = out / "raw", out / "lake"
        common = ("--raw", raw, "--lake", lake, "--date", "2024-02-01", "--run-id", "cds")
        # a speed-up only: if a job fails here, the tests run without it, and fail, as usual
        all(
            run_job(*args, check=False).returncode == 0
            for args in (
                ("simulator", "--raw", raw, "--compressors", "1", "--days", "1"),
                ("bronze", *common),
                ("silver", *common),
            )
        )
        return {"archive": archive.exists()}

    build_once(request.config, "spark-classes", dump)


@pytest.fixture(scope="session")
def jars() -> Path:
    missing = [j for j in JOBS if not (DIST / f"altaviz-{j}.jar").exists()]
    if missing:
        pytest.fail(f"jars not built: {missing}; run 'make build' (make test does)")
    return DIST


@pytest.fixture(scope="session")
def demo_raw(request, jars) -> Path:
    """The default simulator data set (10 compressors x 7 days from 2024-02-01, seed 42),
    generated once per test session (shared by the xdist workers). Treat it as read-only."""

    def simulate(out: Path) -> dict:
        run_job("simulator", "--raw", out / "raw", "--seed", "42")
        return {"raw": str(out / "raw")}

    return Path(build_once(request.config, "demo", simulate)["raw"])


DEMO_RUN_ID = "demo__test"


@pytest.fixture(scope="session")
def demo_lake(request, demo_raw) -> dict:
    """Bronze, silver and gold over all of demo_raw in one run (DEMO_RUN_ID, the demo's
    single-batch mode), built once per test session: "lake" is its root and "bronze", "silver",
    "gold" each stage's stderr. Read-only; a test that runs a stage on it works on a copy."""

    def build(out: Path) -> dict:
        built = {"lake": str(out / "lake")}
        for stage in ("bronze", "silver", "gold"):
            proc = run_stage(
                stage, "--raw", demo_raw, "--lake", out / "lake", "--run-id", DEMO_RUN_ID
            )
            built[stage] = proc.stderr
        return built

    built = build_once(request.config, "demo-lake", build)
    return {**built, "lake": Path(built["lake"])}


def delta_table(path: Path):
    """An independent Delta reader (delta-rs), not Spark."""
    from deltalake import DeltaTable

    return DeltaTable(str(path))
