"""Reliability of the shipped jars, with real Delta tables and real PostgreSQL. Every run that
crashes, races another or meets a stopped server is a real spark-submit; the retries and the
sequential schedules after them run in the warm driver (conftest.warm_run), whose results are
the same tables:

- crash consistency, on named failpoints (jobs/common Failpoint.java): every stage's day-2 run
  is stopped at each point where a crash leaves a state of its own (a commit done, the next
  not yet, or a write's data file there and its commit not): once per point, by
  `ALTAVIZ_FAILPOINT=<point>`, which halts the JVM there as SIGKILL would, except at one point
  per stage (a write in progress), where the run blocks and its whole spark-submit process
  group is SIGKILLed.
  Afterwards exactly the tables the point names are at the uninterrupted run's new version and
  every other at its previous one, each readable by delta-rs with exactly that version's rows
  (and by Spark, each table the crash changed); PostgreSQL is exactly the previous or the new
  state, as the point says; the ledger holds the stage's success only after its commit; the
  retry with the same run id converges to exactly the uninterrupted run's contents. A kill
  lands where it says, on any machine load, in one run;
- PostgreSQL stopped during an export (a private throwaway cluster, never the shared one):
  the task fails with one line, nothing is half-written, the retry after the restart succeeds;
- two intervals processed by two concurrent processes: every attempt succeeds or fails cleanly
  and succeeds on retry; nothing lost, nothing duplicated.

The reference is 3 compressors x 2 days processed day by day (fixture `chain`)."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import warm_run
from reliability.chain import RUN1, RUN2, Chain
from reliability.support import (
    DAY1,
    DAY2,
    LEDGER,
    PG_LINEAGE,
    STAGES,
    VOLATILE,
    Run,
    SparkReader,
    ThrowawayPg,
    assert_converged,
    connect,
    copy_lake,
    create_db,
    delta_tables,
    diff,
    drop_db,
    kill_group,
    ledger_outcomes,
    log_path_for,
    pg_digest,
    pg_dump_tables,
    register_lake,
    run,
    stage_args,
    start,
    table_rows,
    table_version,
    tree_digest,
)

# ---------------------------------------------------------------------------------------------
# crash consistency

# The lake each stage's day-2 run starts from.
BEFORE = {"bronze": "day1", "silver": "bronze", "gold": "silver", "export": "gold"}
METRICS = "ops/quality_metrics"
FAILPOINT_LINE = re.compile(r"^FAILPOINT (\S+) reached$", re.M)


@dataclass(frozen=True)
class Crash:
    """A failpoint (jobs/common Failpoint.java) and the exact state a crash there leaves on
    day 2: the lake tables at the uninterrupted run's new version (every other table at its
    previous one), which PostgreSQL state the export left, and whether the ledger holds the
    stage's success row."""

    point: str
    advanced: tuple[str, ...]
    pg: str | None = None  # export only: "before" (day 1's database) or "after" (day 2's)
    ledger: bool = False

    @property
    def stage(self) -> str:
        return self.point.split(".")[0]


SILVER_OUT = ("silver/quarantine", "silver/sensor_readings")
CRASHES = (
    # a data file of the write in the table directory, uncommitted: readers must ignore it
    # bronze's checks of the new files are recorded before anything is appended
    Crash("bronze.during-readings-write", (METRICS,)),
    Crash("bronze.after-readings-commit", ("bronze/sensor_readings", METRICS)),
    # day 2 re-delivers the same dimension CSVs: no dimension table is rewritten
    Crash("bronze.after-dimensions-commit", ("bronze/sensor_readings", METRICS)),
    Crash("bronze.after-ledger-commit", ("bronze/sensor_readings", METRICS, LEDGER), ledger=True),
    Crash("silver.after-quarantine-commit", ("silver/quarantine",)),
    Crash("silver.during-silver-write", ("silver/quarantine",)),
    Crash("silver.after-silver-commit", SILVER_OUT),
    Crash("silver.after-metrics-commit", (*SILVER_OUT, METRICS)),
    Crash("silver.after-ledger-commit", (*SILVER_OUT, METRICS, LEDGER), ledger=True),
    Crash("gold.during-write", ()),
    Crash("gold.after-commit", ("gold/sensor_features",)),
    # gold's checks run on the committed output, before the ledger
    Crash("gold.after-ledger-commit", ("gold/sensor_features", METRICS, LEDGER), ledger=True),
    Crash("export.inside-transaction", (), pg="before"),
    Crash("export.after-pg-commit", (), pg="after"),
    Crash("export.after-ledger-commit", (METRICS, LEDGER), pg="after", ledger=True),
)
# Each failpoint is crashed once: by halting the JVM there (Runtime.halt, the in-process
# SIGKILL), except at one point per stage, where the run blocks and the test SIGKILLs the whole
# spark-submit process group: the real kill, of the shipped jar, with Spark's and PostgreSQL's
# connections torn down by the kernel. A halt at the same point leaves the same state, so it
# would only repeat the run.
SIGKILLED = (
    "bronze.during-readings-write",
    "silver.during-silver-write",
    "gold.during-write",
    "export.inside-transaction",
)


def _crash_params():
    for c in CRASHES:
        how = "sigkill" if c.point in SIGKILLED else "halt"
        yield pytest.param(c, how, id=f"{c.point}:{how}")


def test_every_failpoint_has_a_crash_test_and_a_bad_one_is_a_usage_error(tmp_path):
    """The shipped jar refuses an unknown failpoint before any work (exit 2, one line); the
    line lists every failpoint, and each one is in CRASHES."""
    lake = tmp_path / "lake"
    r = run(
        "gold",
        *stage_args("gold", tmp_path / "raw", lake, DAY2, RUN2),
        env={"ALTAVIZ_FAILPOINT": "gold.nowhere"},
        log_dir=tmp_path / "logs",
    )
    assert r.returncode == 2 and len(r.error_lines) == 1, r.log[-3000:]
    m = re.fullmatch(
        r"altaviz-gold: error: ALTAVIZ_FAILPOINT='gold\.nowhere': unknown failpoint "
        r"'gold\.nowhere'; valid: (.+) \(each optionally :halt or :block\)",
        r.error_lines[0],
    )
    assert m, r.error_lines
    assert m.group(1).split(", ") == [c.point for c in CRASHES]
    assert not lake.exists(), "a refused run wrote"


def _crash(chain: Chain, crash: Crash, how: str, lake: Path, db: dict | None, log_dir: Path) -> Run:
    """The day-2 run of the crash's stage, stopped at its failpoint: halted in-process, or
    blocked there and SIGKILLed with its whole process group."""
    stage = crash.stage
    args = stage_args(stage, chain.raw, lake, DAY2, RUN2)
    mode = "block" if how == "sigkill" else "halt"
    env = {**(db or {}), "ALTAVIZ_FAILPOINT": f"{crash.point}:{mode}"}
    if how == "halt":
        r = run(stage, *args, env=env, log_dir=log_dir)
        assert r.returncode == 137, (
            f"{crash.point}: exit {r.returncode}, not halted:\n" + (r.log[-3000:])
        )
    else:
        log = log_path_for(log_dir, stage)
        t0 = time.monotonic()
        proc = start(stage, *args, env=env, log_path=log)
        try:
            deadline = t0 + 900
            while not FAILPOINT_LINE.search(log.read_text(errors="replace")):
                assert proc.poll() is None and time.monotonic() < deadline, (
                    f"{crash.point}: the stage ended (exit {proc.returncode}) or hung before "
                    f"its failpoint:\n" + log.read_text(errors="replace")[-3000:]
                )
                time.sleep(0.05)
            killed_at = time.monotonic() - t0
        finally:
            kill_group(proc)
        assert proc.returncode == -9, f"{crash.point}: exit {proc.returncode}, not SIGKILLed"
        r = Run(
            stage,
            tuple(args),
            proc.returncode,
            time.monotonic() - t0,
            log.read_text(errors="replace"),
            killed_at,
        )
    # it stopped where it says, once, having announced the failpoint, and not at the end
    assert FAILPOINT_LINE.findall(r.log) == [crash.point], r.log[-3000:]
    assert f"Failpoint {crash.point} is set ({mode})" in r.log
    assert "SUMMARY stage=" not in r.log, f"{crash.point}: the stage finished:\n{r.log[-3000:]}"
    return r


@pytest.fixture(scope="session")
def spark_reader(tmp_path_factory):
    reader = SparkReader(tmp_path_factory.mktemp("spark-read"))
    yield reader
    reader.close()


@pytest.mark.parametrize("crash,how", list(_crash_params()))
def test_a_killed_stage_leaves_committed_versions_only_and_its_retry_converges(
    crash, how, chain, spark_reader, tmp_path
):
    stage = crash.stage
    label = f"{crash.point} ({how})"
    before_lake, after_lake = chain.snaps[BEFORE[stage]], chain.snaps[stage]
    tables = delta_tables(after_lake)
    assert sorted(delta_tables(before_lake)) == sorted(tables), "a stage created a new table"
    assert set(crash.advanced) <= set(tables), crash.advanced
    v_before = {t: table_version(p) for t, p in delta_tables(before_lake).items()}
    v_after = {t: table_version(p) for t, p in tables.items()}
    # the uninterrupted run advanced exactly the tables of the last failpoint of its stage
    last = [c for c in CRASHES if c.stage == stage][-1]
    assert {t for t in tables if v_after[t] != v_before[t]} == set(last.advanced)

    lake = copy_lake(before_lake, tmp_path / "lake")
    db = create_db(chain.pg, template=chain.db_day1["ALTAVIZ_PG_DB"]) if stage == "export" else None
    try:
        r = _crash(chain, crash, how, lake, db, tmp_path / "logs")

        # 1. delta-rs: exactly the failpoint's tables advanced, each to the version the
        #    uninterrupted run committed, with that version's rows; every other table as it was
        assert sorted(delta_tables(lake)) == sorted(tables), f"{label}: tables changed"
        for t, path in delta_tables(lake).items():
            v = table_version(path)
            want = v_after[t] if t in crash.advanced else v_before[t]
            assert v == want, (
                f"{label}: {t} at version {v}, want {want} "
                f"(before {v_before[t]}, uninterrupted {v_after[t]})"
            )
            got, ref = table_rows(path, lake), table_rows(tables[t], after_lake, v)
            assert got == ref, (
                f"{label}: {t} v{v} does not hold the rows of version {v} of "
                f"the uninterrupted run (partial write?)\n" + diff(got, ref)
            )
        # the ledger holds the stage's success row only once it was committed
        outcomes = ledger_outcomes(lake).get((RUN2, stage))
        assert outcomes == (["success"] if crash.ledger else None), (label, outcomes)

        # 2. PostgreSQL: exactly the previous or exactly the new state, as the point says
        if db is not None:
            dump = pg_dump_tables(db)
            want_db = chain.db_day1 if crash.pg == "before" else chain.db_day2
            want_dump = pg_dump_tables(want_db)
            assert dump == want_dump, (
                f"{label}: PostgreSQL is not the {crash.pg} state: "
                + "; ".join(
                    f"{t}: {diff(dump[t], want_dump[t], 3)}"
                    for t in dump
                    if dump[t] != want_dump[t]
                )
            )

        # 3. Spark reads every table the crash changed at the version delta-rs saw, with the
        #    rows the uninterrupted run's table has at that version (an uncommitted data file
        #    ignored). A table the crash left byte for byte as it was is the starting lake's,
        #    which the uninterrupted run itself read with Spark.
        changed = {
            t: p
            for t, p in delta_tables(lake).items()
            if tree_digest(p) != tree_digest(before_lake / t)
        }
        fps = spark_reader.fingerprints(
            [
                spec
                for t, p in changed.items()
                for spec in (
                    (f"crashed:{t}", p, lake, None),
                    (f"ref:{t}", tables[t], after_lake, table_version(p)),
                )
            ]
        )
        for t, path in changed.items():
            fp, ref = fps[f"crashed:{t}"], fps[f"ref:{t}"]
            assert fp.version == table_version(path), f"{label}: {t}: Spark and delta-rs"
            assert fp == ref, (
                f"{label}: Spark reads {t} v{fp.version} as {fp}, the uninterrupted run as {ref}"
            )

        # 4. the retry (same run id, as an Airflow retry) converges to the uninterrupted run.
        #    A stage's run is a function of the bytes of its lake and the contents of its
        #    database (same jar, arguments and raw data): a crash that left both exactly as
        #    they were has the uninterrupted reference run as its retry.
        untouched = tree_digest(lake) == tree_digest(before_lake) and (
            db is None or pg_digest(db) == pg_digest(chain.db_day1)
        )
        if untouched:
            retry = "the uninterrupted run (nothing changed on disk or in PG)"
        else:
            warm_run(
                stage,
                *stage_args(stage, chain.raw, lake, DAY2, RUN2),
                env=db,
            )
            assert_converged(lake, after_lake, f"{stage} retried after {label}")
            assert ledger_outcomes(lake)[(RUN2, stage)] == (
                ["success", "success"] if crash.ledger else ["success"]
            )
            if db is not None:
                # a crash after the ledger commit leaves one more export attempt to mirror
                assert pg_dump_tables(db, without_export_runs=True) == pg_dump_tables(
                    chain.db_day2, without_export_runs=True
                ), f"{label}: PostgreSQL after the retry"
            retry = "its own retry"
        print(
            f"\n{label}: stopped after {r.seconds:.1f} s in '{r.last_step[:80]}'; advanced: "
            f"{', '.join(crash.advanced) or 'nothing'}"
            + (f"; PostgreSQL {crash.pg}" if crash.pg else "")
            + f"; converged by {retry}"
        )
    finally:
        if db is not None:
            drop_db(db)


def test_first_writes_killed_midway_leave_no_broken_table_and_their_retries_converge(
    chain, tmp_path
):
    """Day 1 on an empty lake, each stage halted in the middle of the first write of its main
    table (nothing of that table committed yet) and then retried: no retry may find a table that
    cannot be read or created, and the lake and database end as the uninterrupted day 1's."""
    lake = register_lake(tmp_path / "lake")
    db = create_db(chain.pg)
    try:
        for stage in STAGES:
            args = stage_args(stage, chain.raw, lake, DAY1, RUN1)
            env = db if stage == "export" else {}
            point = {
                "bronze": "bronze.during-readings-write",
                "silver": "silver.during-silver-write",
                "gold": "gold.during-write",
                "export": "export.inside-transaction",
            }[stage]
            halted = run(
                stage,
                *args,
                env={**env, "ALTAVIZ_FAILPOINT": f"{point}:halt"},
                log_dir=tmp_path / "logs",
            )
            assert halted.returncode == 137, (
                f"{point}: exit {halted.returncode}\n" + halted.log[-3000:]
            )
            warm_run(stage, *args, env=env or None)
        assert_converged(lake, chain.snaps["day1"], "day 1 after killed first writes")
        assert pg_dump_tables(db, without_export_runs=True) == pg_dump_tables(
            chain.db_day1, without_export_runs=True
        )
    finally:
        drop_db(db)


# ---------------------------------------------------------------------------------------------
# PostgreSQL stopped during an export (a private cluster: the shared server is never stopped)


@pytest.fixture(scope="module")
def throwaway_pg():
    pg = ThrowawayPg.create(port_from=55433)
    try:
        yield pg
    finally:
        pg.destroy()


def _restore(pg: ThrowawayPg, source: dict) -> dict:
    """compressor_health on the throwaway cluster := a copy of `source` (pg_dump | psql)."""
    env = pg.env()
    admin = connect(env, "postgres")
    admin.autocommit = True
    with admin.cursor() as c:
        c.execute(f"DROP DATABASE IF EXISTS {env['ALTAVIZ_PG_DB']} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {env['ALTAVIZ_PG_DB']}")
        for role in ("altaviz_writer", "altaviz_reader"):
            c.execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'")
            if not c.fetchone():
                c.execute(f"CREATE ROLE {role} NOLOGIN")
    admin.close()
    dump = subprocess.run(
        [
            str(pg.bin / "pg_dump"),
            "-h",
            source["ALTAVIZ_PG_HOST"],
            "-p",
            source["ALTAVIZ_PG_PORT"],
            "-U",
            source["ALTAVIZ_PG_USER"],
            source["ALTAVIZ_PG_DB"],
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    subprocess.run(
        [
            str(pg.bin / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(pg.port),
            "-U",
            "postgres",
            "-d",
            env["ALTAVIZ_PG_DB"],
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
        ],
        input=dump.stdout,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return env


def _wait_until_blocked(
    env: dict, blocker_pid: int, proc, log: Path, timeout: float = 900
) -> tuple[int, set[str]]:
    """The export's backend once it waits for a lock: (pid, tables it has already written in
    its open transaction)."""
    deadline = time.monotonic() + timeout
    watcher = connect(env)
    watcher.autocommit = True
    try:
        with watcher.cursor() as c:
            while time.monotonic() < deadline:
                assert proc.poll() is None, (
                    "export ended before it reached the write:\n"
                    + (log.read_text(errors="replace")[-3000:])
                )
                c.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid NOT IN (pg_backend_pid(), %s) AND wait_event_type = 'Lock'",
                    (blocker_pid,),
                )
                row = c.fetchone()
                if row:
                    c.execute(
                        "SELECT c.relname FROM pg_locks l JOIN pg_class c"
                        " ON c.oid = l.relation WHERE l.pid = %s AND l.granted"
                        " AND l.mode = 'RowExclusiveLock' AND c.relpersistence = 'p'",
                        (row[0],),
                    )
                    return row[0], {r[0] for r in c.fetchall()}
                time.sleep(0.1)
    finally:
        watcher.close()
    raise AssertionError("the export never blocked on the held lock")


def _assert_one_line_failure(r: Run, prefix: str) -> None:
    assert r.returncode == 1, f"exit {r.returncode}:\n{r.log[-3000:]}"
    assert len(r.error_lines) == 1 and r.error_lines[0].startswith(prefix), (
        f"want one error line starting {prefix!r}, got {r.error_lines}"
    )
    assert not r.stack_trace_lines and "Exception in thread" not in r.log, r.log[-3000:]


def test_postgres_stopped_inside_the_export_transaction_leaves_nothing_and_the_retry_succeeds(
    chain, throwaway_pg, tmp_path
):
    env = _restore(throwaway_pg, chain.db_day1)
    before = pg_dump_tables(env)
    assert before == pg_dump_tables(chain.db_day1) and before["sensor_readings_agg"]
    lake = copy_lake(chain.snaps["gold"], tmp_path / "lake")
    # Hold pipeline_runs, the LAST table the export writes: the export blocks there with every
    # other table already written inside its open transaction; then the server stops.
    blocker = connect(env)
    with blocker.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        blocker_pid = c.fetchone()[0]
        c.execute("LOCK TABLE pipeline_runs IN ACCESS EXCLUSIVE MODE")
    log = tmp_path / "export.log"
    t0 = time.monotonic()
    proc = start(
        "export", *stage_args("export", chain.raw, lake, DAY2, RUN2), env=env, log_path=log
    )
    try:
        _, written = _wait_until_blocked(env, blocker_pid, proc, log)
        assert {"stations", "sensor_readings_agg", "alert_history"} <= written, written
        throwaway_pg.stop("fast")
        proc.wait(timeout=600)
    finally:
        if proc.poll() is None:
            kill_group(proc)
        try:
            blocker.close()
        except Exception:  # the server is gone; nothing to close
            pass
    failed = Run(
        "export", (), proc.returncode, time.monotonic() - t0, log.read_text(errors="replace")
    )
    print(
        f"\nexport blocked with {sorted(written)} written in its transaction; server stopped:"
        f" {failed.error_lines}"
    )
    _assert_one_line_failure(
        failed,
        f"altaviz-export: error: cannot write to PostgreSQL at 127.0.0.1:{throwaway_pg.port}",
    )
    assert "nothing was committed" in failed.error_lines[0]

    throwaway_pg.start()
    assert pg_dump_tables(env) == before, "PostgreSQL was half-written"
    warm_run(
        "export",
        *stage_args("export", chain.raw, lake, DAY2, RUN2),
        env=env,
    )
    assert pg_dump_tables(env, without_export_runs=True) == pg_dump_tables(
        chain.db_day2, without_export_runs=True
    )
    assert ledger_outcomes(lake)[(RUN2, "export")] == ["failed", "success"]


def test_postgres_stopped_while_the_export_computes_fails_cleanly_and_the_retry_succeeds(
    chain, throwaway_pg, tmp_path
):
    env = _restore(throwaway_pg, chain.db_day1)
    before = pg_dump_tables(env)
    lake = copy_lake(chain.snaps["gold"], tmp_path / "lake")
    log = tmp_path / "export.log"
    t0 = time.monotonic()
    proc = start(
        "export", *stage_args("export", chain.raw, lake, DAY2, RUN2), env=env, log_path=log
    )
    try:
        deadline = time.monotonic() + 900
        # logged once the migrations ran and the table columns were read: Spark work follows
        while ", export range " not in log.read_text(errors="replace"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.05)
        throwaway_pg.stop("fast")
        proc.wait(timeout=600)
    finally:
        if proc.poll() is None:
            kill_group(proc)
    failed = Run(
        "export", (), proc.returncode, time.monotonic() - t0, log.read_text(errors="replace")
    )
    print(f"\nserver stopped after the migrations: {failed.error_lines}")
    # the stop races the export's next connection: refused (cannot connect) or, when the export
    # connected first, terminated by the shutdown before anything was committed
    at = f"PostgreSQL at 127.0.0.1:{throwaway_pg.port}"
    _assert_one_line_failure(failed, "altaviz-export: error: cannot ")
    line = failed.error_lines[0]
    assert line.startswith(f"altaviz-export: error: cannot connect to {at}") or (
        line.startswith(f"altaviz-export: error: cannot write to {at}")
        and line.endswith("(nothing was committed)")
    ), line

    # the retry while the server is still down fails the same way, writing nothing
    down = run(
        "export",
        *stage_args("export", chain.raw, lake, DAY2, RUN2),
        env=env,
        log_dir=tmp_path / "logs",
    )
    _assert_one_line_failure(
        down,
        f"altaviz-export: error: cannot connect to PostgreSQL at 127.0.0.1:{throwaway_pg.port}",
    )

    throwaway_pg.start()
    assert pg_dump_tables(env) == before
    warm_run(
        "export",
        *stage_args("export", chain.raw, lake, DAY2, RUN2),
        env=env,
    )
    assert pg_dump_tables(env, without_export_runs=True) == pg_dump_tables(
        chain.db_day2, without_export_runs=True
    )
    assert ledger_outcomes(lake)[(RUN2, "export")] == ["failed", "failed", "success"]


# ---------------------------------------------------------------------------------------------
# two intervals in flight

MAX_ATTEMPTS = 3  # the DAG's retries=2
DIMENSIONS = ("bronze/compressor_metadata", "bronze/maintenance_logs", "bronze/stations")


@dataclass
class Attempt:
    day: str
    stage: str
    run: Run


def _pipeline(
    day: str,
    run_id: str,
    raw: Path,
    lake: Path,
    db: dict,
    log_dir: Path,
    attempts: list,
    start_together: threading.Barrier,
) -> None:
    start_together.wait()
    for stage in STAGES:
        for _ in range(MAX_ATTEMPTS):
            r = run(
                stage,
                *stage_args(stage, raw, lake, day, run_id),
                log_dir=log_dir,
                env=db if stage == "export" else None,
            )
            attempts.append(Attempt(day, stage, r))
            if r.returncode == 0:
                break
        else:
            return


def _input_read(lake: Path, run_id: str, stage: str) -> list[tuple] | None:
    """Rows of the input table at the version the last successful attempt of (run, stage) read
    (per the ledger), lineage aside; None for bronze, which reads the landing zone."""
    from deltalake import DeltaTable

    done = [
        r
        for r in DeltaTable(str(lake / LEDGER)).to_pyarrow_table().to_pylist()
        if r["run_id"] == run_id and r["stage"] == stage and r["status"] == "success"
    ]
    last = max(done, key=lambda r: r["started_at"])
    if last["input_version"] is None:
        return None
    table = "/".join(Path(last["input_table"]).parts[-2:])  # the ledger holds absolute paths
    return table_rows(
        lake / table, lake, version=last["input_version"], drop=VOLATILE | {"_run_id", "run_id"}
    )


# Check kinds that judge a run's metric against the runs of earlier intervals that had finished
# by then: their verdict depends on the schedule, not only on the run's input.
HISTORY_KINDS = {"row_count_anomaly", "metric_anomaly"}


def _judged_by_input(row: tuple) -> tuple:
    """A quality-metrics row (computed_at dropped; the lake table and its PostgreSQL mirror agree
    on these positions) without what the schedule decides: a history check keeps its key and
    value (computed from the run's input), not its band, verdict or message."""
    if len(row) > 10 and row[10] in HISTORY_KINDS:
        return row[:7] + row[9:13]
    return row


def _metrics_match_unless_the_input_differed(
    got: list[tuple], want: list[tuple], lake: Path, reference: Path, where: str
) -> set[tuple]:
    """Quality metrics describe what each run read, so they may legitimately differ from the
    sequential reference for a run that read other input: day 1's silver reading a bronze
    version that already held day 2's late arrivals counts them. Every (run, stage) has exactly
    the reference's metric rows, and their values differ only when its input did. Returns the
    (run, stage) keys whose values differ."""

    def by_run(rows):  # run_id and stage lead both the Delta table and its PostgreSQL mirror
        out: dict[tuple, list] = {}
        for r in rows:
            out.setdefault(r[:2], []).append(_judged_by_input(r))
        return out

    g, w = by_run(got), by_run(want)
    assert g.keys() == w.keys(), f"{where}: runs {sorted(g)} vs {sorted(w)}"
    differing = {key for key in g if g[key] != w[key]}
    for key in differing:
        assert len(g[key]) == len(w[key]), f"{where} {key}\n" + diff(g[key], w[key])
        assert _input_read(lake, *key) != _input_read(reference, *key), (
            f"{where} {key}: metrics differ though the run read the same input\n"
            + diff(g[key], w[key])
        )
    return differing


def _assert_nothing_lost_and_day2_rerun_converges(
    chain, lake: Path, db: dict, log_dir: Path
) -> None:
    """After both days ran in any legal order: nothing lost or duplicated; re-running day 2
    converges every table and PostgreSQL to the sequential reference (values exactly; lineage
    and quality metrics may name or count what a run saw in this schedule)."""
    reference = chain.snaps["export"]
    tables = {t: p for t, p in delta_tables(reference).items() if t != LEDGER}
    from deltalake import DeltaTable

    def same_as_reference(t: str) -> None:
        # A dimension is rewritten only when its content changes, so its lineage names
        # whichever run delivered the content first: day 1 in the reference, either day
        # when both run at once.
        lineage = frozenset({"_run_id"}) if t in DIMENSIONS else frozenset()
        got = table_rows(lake / t, lake, drop=VOLATILE | lineage)
        want = table_rows(tables[t], reference, drop=VOLATILE | lineage)
        assert got == want, f"{t} differs from the sequential run\n" + diff(got, want)
        if lineage:
            run_ids = set(
                DeltaTable(str(lake / t))
                .to_pyarrow_table(columns=["_run_id"])
                .column("_run_id")
                .to_pylist()
            )
            assert len(run_ids) == 1 and run_ids <= {RUN1, RUN2}, (t, run_ids)

    def keys(lake_: Path, t: str) -> list:
        return sorted(
            (k["compressor_id"], k["timestamp"])
            for k in DeltaTable(str(lake_ / t))
            .to_pyarrow_table(columns=["compressor_id", "timestamp"])
            .to_pylist()
        )

    # nothing lost, nothing duplicated: bronze holds each raw row once, exactly as in the
    # day-by-day reference; silver and gold hold the reference's keys, each once
    raw_rows = sum(
        pq.ParquetFile(f).metadata.num_rows
        for f in (chain.raw / "sensor_readings").rglob("*.parquet")
    )
    assert len(table_rows(lake / "bronze/sensor_readings", lake)) == raw_rows
    for t in tables:
        if t.startswith("bronze/"):
            same_as_reference(t)
    for t in ("silver/sensor_readings", "gold/sensor_features"):
        got = keys(lake, t)
        assert len(got) == len(set(got)), f"{t}: duplicated keys"
        assert got == keys(reference, t), f"{t}: keys differ from the sequential run"

    # Day 2 may have computed before day 1's readings reached bronze; its spike context and
    # windows then lacked them, as after a late day. Re-running day 2 (a cleared task, or
    # day 3's lookback) reads the newest bronze version and converges to the reference.
    for stage in STAGES[1:]:
        warm_run(
            stage,
            *stage_args(stage, chain.raw, lake, DAY2, RUN2),
            env=db if stage == "export" else None,
        )
    for t in tables:
        if t != METRICS:
            same_as_reference(t)
    _metrics_match_unless_the_input_differed(
        table_rows(lake / METRICS, lake),
        table_rows(tables[METRICS], reference),
        lake,
        reference,
        METRICS,
    )
    # PostgreSQL: the same values. An upsert leaves an unchanged row alone, so a row's
    # lineage run_id names the export that first delivered its current values: which day
    # that is depends on the schedule, as for the dimensions above.
    got_pg, want_pg = (pg_dump_tables(d, without_lineage=True) for d in (db, chain.db_day2))
    _metrics_match_unless_the_input_differed(
        got_pg.pop("data_quality_metrics"),
        want_pg.pop("data_quality_metrics"),
        lake,
        reference,
        "PostgreSQL data_quality_metrics",
    )
    for t in want_pg:
        if t != "pipeline_runs":  # which ledger rows an export mirrors depends on timing
            assert got_pg[t] == want_pg[t], f"PostgreSQL {t}\n" + diff(got_pg[t], want_pg[t])
    conn = connect(db)
    try:
        with conn.cursor() as c:
            c.execute(" UNION ".join(f"SELECT run_id FROM {t}" for t in PG_LINEAGE))
            assert {r for (r,) in c.fetchall()} <= {RUN1, RUN2}
    finally:
        conn.close()


def test_two_intervals_processed_concurrently_lose_and_duplicate_nothing(chain, tmp_path):
    lake = register_lake(tmp_path / "lake")
    db = create_db(chain.pg)
    attempts: list[Attempt] = []
    try:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=_pipeline,
                args=(day, run_id, chain.raw, lake, db, tmp_path / "logs", attempts, barrier),
            )
            for day, run_id in ((DAY1, RUN1), (DAY2, RUN2))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(
            "\nattempts: "
            + "; ".join(
                f"{a.day} {a.stage} exit {a.run.returncode}"
                + (f" ({a.run.error_lines[-1][:160]})" if a.run.returncode else "")
                for a in attempts
            )
        )
        for day in (DAY1, DAY2):
            for stage in STAGES:
                mine = [a.run for a in attempts if a.day == day and a.stage == stage]
                assert mine and mine[-1].returncode == 0, f"{day} {stage} never succeeded:\n" + (
                    mine[-1].log[-3000:] if mine else ""
                )
                for failed in mine[:-1]:
                    assert failed.returncode != 0 and len(failed.error_lines) == 1, (
                        f"{day} {stage} failed without one error line:\n{failed.log[-3000:]}"
                    )
                    assert failed.error_lines[0].startswith(f"altaviz-{stage}: error: ")

        _assert_nothing_lost_and_day2_rerun_converges(chain, lake, db, tmp_path / "logs")
    finally:
        drop_db(db)


def test_day_2_running_ahead_of_day_1_loses_nothing_and_converges(chain, tmp_path):
    """The interleaving CI saw (day 1's bronze lost a ProtocolChangedException race), run in
    order so that it happens every time: day 2's bronze, silver, gold and export go first, each
    ahead of day 1's same stage. Day 1's silver then reads day 2's late arrivals, and day 1's
    export finds the dimensions day 2's export already delivered."""
    lake = register_lake(tmp_path / "lake")
    db = create_db(chain.pg)
    try:
        for stage in STAGES:
            for day, run_id in ((DAY2, RUN2), (DAY1, RUN1)):
                warm_run(
                    stage,
                    *stage_args(stage, chain.raw, lake, day, run_id),
                    env=db if stage == "export" else None,
                )
        _assert_nothing_lost_and_day2_rerun_converges(chain, lake, db, tmp_path / "logs")
    finally:
        drop_db(db)


def test_an_older_interval_committing_last_keeps_the_late_arrivals_a_newer_run_added(
    chain, tmp_path
):
    """A legal schedule of two runs in flight: day 1's bronze, then all of day 2's bronze and
    silver, then day 1's silver (an Airflow retry or a slow backfill). Day 2's bronze brought
    late readings of day 1 (landed in the 2024-02-02 folder); day 2's silver put them into
    silver (its lookback covers day 1). Day 1's silver, committing last, must not roll them
    back: it reads the bronze version day 2's silver read (StageContext.inputVersion), and the
    final silver equals the day-by-day reference."""
    late = [
        r
        for r in pq.read_table(chain.raw / "sensor_readings" / "date=2024-02-02").to_pylist()
        if r["timestamp"] is not None and str(r["timestamp"].date()) == DAY1
    ]
    assert late, "the simulator data has no late arrivals of day 1 in day 2's folder"
    lake = register_lake(tmp_path / "lake")
    runs = [
        warm_run(stage, *stage_args(stage, chain.raw, lake, day, run_id))
        for stage, day, run_id in (
            ("bronze", DAY1, RUN1),
            ("bronze", DAY2, RUN2),
            ("silver", DAY2, RUN2),
            ("silver", DAY1, RUN1),
        )
    ]
    from deltalake import DeltaTable

    silver = {
        (r["compressor_id"], r["timestamp"])
        for r in DeltaTable(str(lake / "silver/sensor_readings"))
        .to_pyarrow_table(columns=["compressor_id", "timestamp"])
        .to_pylist()
    }
    lost = [
        (r["compressor_id"], str(r["timestamp"]))
        for r in late
        if (r["compressor_id"], r["timestamp"]) not in silver
    ]
    reference = chain.snaps["silver"]
    # Lineage names the run that wrote a row last (and the interval a quarantine reason cites):
    # day 1 here, day 2 in the reference. Every value and rule must match.
    lineage = VOLATILE | {"_run_id", "run_id", "reason"}
    for t in ("silver/sensor_readings", "silver/quarantine"):
        got = table_rows(lake / t, lake, drop=lineage)
        want = table_rows(reference / t, reference, drop=lineage)
        assert got == want, (
            f"{t} differs from the day-by-day run; late day-1 readings no "
            f"longer in silver: {lost}\n" + diff(got, want)
        )
    # day 1's silver read the newer bronze version day 2's silver had read
    m = re.search(r"reading v(\d+) instead of v(\d+) so its rows are kept", runs[-1].log)
    assert m and int(m.group(1)) > int(m.group(2)), runs[-1].log[-3000:]
    # ... so its quality metrics count the late arrivals, and only its metrics differ
    done = ("bronze", "silver")
    assert _metrics_match_unless_the_input_differed(
        [r for r in table_rows(lake / METRICS, lake) if r[1] in done],
        [r for r in table_rows(reference / METRICS, reference) if r[1] in done],
        lake,
        reference,
        METRICS,
    ) == {(RUN1, "silver")}
