"""Helpers of the reliability suite: stage runs that can be killed, lake and PostgreSQL snapshots
that ignore only timing columns, an independent Spark reader, scratch and throwaway PostgreSQL
servers. Everything runs the real jars through scripts/spark-submit.sh."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import psycopg2.errors

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
SPARK_SUBMIT = ROOT / "scripts" / "spark-submit.sh"
SPARK_HOME = next((ROOT / ".venv" / "lib").glob("python3*/site-packages/pyspark"))
SPARK_READ = Path(__file__).with_name("spark_read.py")

# Columns that hold wall-clock times of a run (when it ingested, quarantined, measured, started,
# finished) or its Spark application id: the only columns two runs of the same input may differ
# in. Every other column is compared exactly.
VOLATILE = frozenset(
    {
        "_ingested_at",
        "quarantined_at",
        "computed_at",
        "started_at",
        "finished_at",
        "duration_ms",
        "spark_app_id",
    }
)

STAGES = ("bronze", "silver", "gold", "export")
DAY1, DAY2 = "2024-02-01", "2024-02-02"
ERROR_LINE = re.compile(r"^altaviz-(\w+): error: (.+)$")


# ---------------------------------------------------------------------------------------------
# stage runs


@dataclass
class Run:
    """One finished (or killed) spark-submit of a stage."""

    job: str
    args: tuple
    returncode: int
    seconds: float
    log: str
    killed_at: float | None = None

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.log.splitlines() if ERROR_LINE.match(line)]

    @property
    def stack_trace_lines(self) -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith("\tat ")]

    @property
    def last_step(self) -> str:
        """The last 'Step N: ...' line the stage logged (where a crash landed)."""
        steps = re.findall(r"(Step \d+: .*?)$", self.log, flags=re.M)
        return steps[-1] if steps else "(before the first step)"

    def describe(self) -> str:
        return f"{self.job} {' '.join(map(str, self.args))} -> exit {self.returncode}"


def start(
    job: str,
    *args,
    env: dict | None = None,
    log_path: Path,
    user: str | None = None,
    master: str | None = None,
) -> subprocess.Popen:
    """Starts a stage in its own process group (so the whole spark-submit tree can be killed);
    stdout and stderr go to log_path."""
    full_env = {**os.environ, **(env or {})}
    if master:
        full_env["ALTAVIZ_SPARK_MASTER"] = master
    out = open(log_path, "wb")
    kwargs = {}
    if user:
        kwargs.update(user=user, group=user if user != "nobody" else "nogroup", extra_groups=[])
        full_env["HOME"] = "/tmp"
    try:
        return subprocess.Popen(
            [str(SPARK_SUBMIT), job, *map(str, args)],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
    finally:
        out.close()


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL to the process group of a started stage, then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    _wait_group_gone(proc.pid)


def _wait_group_gone(pgid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process group {pgid} still alive after SIGKILL")


def run(
    job: str,
    *args,
    env: dict | None = None,
    log_dir: Path,
    timeout: float = 900,
    user: str | None = None,
    master: str | None = None,
) -> Run:
    """Runs a stage to completion."""
    log_path = log_path_for(log_dir, job)
    t0 = time.monotonic()
    proc = start(job, *args, env=env, log_path=log_path, user=user, master=master)
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise AssertionError(
            f"{job} {args} did not finish in {timeout} s; log {log_path}"
        ) from None
    return Run(job, args, rc, time.monotonic() - t0, log_path.read_text(errors="replace"))


def run_ok(job: str, *args, **kwargs) -> Run:
    r = run(job, *args, **kwargs)
    if r.returncode != 0:
        raise AssertionError(f"{r.describe()}:\n{r.log[-4000:]}")
    return r


_counter = iter(range(1_000_000))


def log_path_for(log_dir: Path, job: str) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    return log_dir / f"{next(_counter):04d}-{job}.log"


def stage_args(stage: str, raw: Path, lake: Path, day: str | None, run_id: str) -> list[str]:
    args = ["--raw", raw, "--lake", lake, "--run-id", run_id]
    return args + (["--date", day] if day else [])


def simulate(raw: Path, compressors: int, days: int, log_dir: Path, seed: int = 42) -> Run:
    return run_ok(
        "simulator",
        "--raw",
        raw,
        "--compressors",
        compressors,
        "--days",
        days,
        "--seed",
        seed,
        log_dir=log_dir,
    )


# ---------------------------------------------------------------------------------------------
# Delta snapshots through delta-rs (the independent reader)


def delta_tables(lake: Path) -> dict[str, Path]:
    """Every Delta table under the lake, by path relative to it (e.g. 'silver/quarantine')."""
    out = {}
    for log in sorted(lake.rglob("_delta_log")):
        if log.is_dir():
            out[str(log.parent.relative_to(lake))] = log.parent
    return out


def _norm_value(v, roots: tuple[str, ...]):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, str):
        for root in roots:
            v = v.replace(root, "<lake>")
        # each kill run exports into its own copy of the database
        return PG_DATABASE.sub(r"\1<db>", v)
    return v


PG_DATABASE = re.compile(r"(postgresql://[^/\s]+/)\w+")
KNOWN_LAKES: set[str] = set()


def register_lake(lake: Path) -> Path:
    """Remembers a lake root so values naming it (ledger paths, also in copies of the lake made
    elsewhere) normalize to '<lake>'."""
    KNOWN_LAKES.add(str(Path(lake).resolve()))
    return lake


def lake_roots(*lakes: Path) -> tuple[str, ...]:
    """Every spelling of the given and registered lake roots, longest first (so no root is
    replaced inside a longer one)."""
    roots = KNOWN_LAKES | {str(Path(lake).resolve()) for lake in lakes}
    spellings = [s for p in roots for s in (f"file://{p}", f"file:{p}", p)]
    return tuple(sorted(spellings, key=len, reverse=True))


def table_rows(
    path: Path, lake: Path, version: int | None = None, drop: frozenset = VOLATILE
) -> list[tuple]:
    """Sorted rows of a Delta table (delta-rs), without the volatile columns, with the lake root
    replaced by '<lake>' and NaN made comparable."""
    from deltalake import DeltaTable

    dt = DeltaTable(str(path), version=version) if version is not None else DeltaTable(str(path))
    t = dt.to_pyarrow_table()
    names = [n for n in t.column_names if n not in drop]
    roots = lake_roots(lake)
    rows = [tuple(_norm_value(r[n], roots) for n in names) for r in t.select(names).to_pylist()]
    return sorted(rows, key=repr)


def table_version(path: Path) -> int:
    from deltalake import DeltaTable

    return DeltaTable(str(path)).version()


@dataclass
class LakeState:
    """Version and normalized rows of every table of a lake."""

    versions: dict[str, int]
    rows: dict[str, list[tuple]]


def lake_state(lake: Path) -> LakeState:
    tables = delta_tables(lake)
    return LakeState(
        {t: table_version(p) for t, p in tables.items()},
        {t: table_rows(p, lake) for t, p in tables.items()},
    )


LEDGER = "ops/pipeline_runs"


def ledger_outcomes(lake: Path) -> dict[tuple[str, str], list[str]]:
    """(run_id, stage) -> statuses of its attempts in ledger order of start."""
    from deltalake import DeltaTable

    t = (
        DeltaTable(str(lake / LEDGER))
        .to_pyarrow_table(columns=["run_id", "stage", "status", "started_at"])
        .to_pylist()
    )
    out: dict[tuple[str, str], list[str]] = {}
    for r in sorted(t, key=lambda r: r["started_at"]):
        out.setdefault((r["run_id"], r["stage"]), []).append(r["status"])
    return out


def assert_converged(lake: Path, reference: Path, where: str) -> None:
    """Every table of `lake` holds exactly the rows of `reference` (timing columns aside); the
    ledger, an attempt log, holds a success for every (run, stage) the reference has and no
    other outcome than the attempts' own."""
    got, want = delta_tables(lake), delta_tables(reference)
    assert sorted(got) == sorted(want), f"{where}: tables {sorted(got)} != {sorted(want)}"
    for name in want:
        if name == LEDGER:
            continue
        a, b = table_rows(got[name], lake), table_rows(want[name], reference)
        assert a == b, f"{where}: {name} differs from the uninterrupted run\n" + diff(a, b)
    have = {k: v for k, v in ledger_outcomes(lake).items()}
    need = ledger_outcomes(reference)
    for key in need:
        assert key in have and have[key][-1] == "success", (
            f"{where}: ledger has no final success for {key}: {have.get(key)}"
        )
    assert set(have) == set(need), f"{where}: ledger runs {set(have)} != {set(need)}"


def diff(a: list, b: list, limit: int = 8) -> str:
    sa, sb = set(map(repr, a)), set(map(repr, b))
    only_a = sorted(sa - sb)[:limit]
    only_b = sorted(sb - sa)[:limit]
    return (
        f"  rows {len(a)} vs {len(b)}; only in first ({len(sa - sb)}): {only_a}\n"
        f"  only in second ({len(sb - sa)}): {only_b}"
    )


def tree_digest(root: Path) -> str:
    """A digest of everything under `root`: every directory and file (hidden ones too: Delta's
    and Hadoop's .crc and temp files) by relative path, with each file's bytes."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root)).encode()
        if p.is_symlink():
            h.update(b"L" + rel + b"\0" + os.readlink(p).encode() + b"\0")
        elif p.is_dir():
            h.update(b"D" + rel + b"\0")
        else:
            h.update(b"F" + rel + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def copy_lake(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return register_lake(dst)


# ---------------------------------------------------------------------------------------------
# Spark as the second reader


@dataclass(frozen=True)
class Fingerprint:
    version: int
    rows: int
    digest: str


class SparkDriver:
    """A long-lived pyspark driver (spark-submit of ``script`` with Delta from the shipped
    ``jars``), started on first use, that answers JSON requests through an inbox directory
    (inbox.py): one per test process, so that each request costs its own work, not a driver's
    start (about 20 s on two busy cores)."""

    def __init__(self, script: Path, log_dir: Path, jars: tuple[str, ...], memory: str):
        self.script, self.log_dir, self.jars, self.memory = script, log_dir, jars, memory
        self.proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        self.inbox = self.log_dir / f"{self.script.stem}-{uuid.uuid4().hex[:8]}"
        self.inbox.mkdir(parents=True)
        self.log = self.inbox / "driver.log"
        self.requests = 0
        # the console appender follows System.setErr, so that the stage driver can hand each
        # run's log lines to its test
        log4j = self.inbox / "log4j2.properties"
        log4j.write_text(
            (ROOT / "config" / "log4j2.properties").read_text() + "appender.console.follow = true\n"
        )
        env = {
            **os.environ,
            "SPARK_HOME": str(SPARK_HOME),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "PYSPARK_PYTHON": str(ROOT / ".venv" / "bin" / "python"),
        }
        # the test harness's class-data archive (tests/conftest.py) is for the job drivers: a
        # Python-driven driver once exited 1 with it, silently, so it runs without. Nor does
        # it stop at C1 as a short test run does: a driver that serves dozens of runs gets its
        # CPU back from C2 (32 small stage runs in one driver: 399 -> 280 CPU-s)
        env["SPARK_SUBMIT_OPTS"] = " ".join(
            o
            for o in env.get("SPARK_SUBMIT_OPTS", "").split()
            if not o.startswith(("-XX:SharedArchiveFile=", "-Xlog:cds", "-XX:TieredStopAtLevel="))
        )
        conf = {
            "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
            "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": "2",
            "spark.sql.session.timeZone": "UTC",
            "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{log4j}",
        }
        with open(self.log, "wb") as out:
            return subprocess.Popen(
                [
                    str(SPARK_HOME / "bin" / "spark-submit"),
                    "--master",
                    "local[2]",
                    "--driver-memory",
                    self.memory,
                    "--jars",
                    ",".join(str(DIST / f"altaviz-{j}.jar") for j in self.jars),
                    *(a for k, v in conf.items() for a in ("--conf", f"{k}={v}")),
                    str(self.script),
                    str(self.inbox),
                ],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def request(self, payload: dict, timeout: float) -> dict:
        """The driver's answer to ``payload``; fails the test when the driver exited, hung or
        reported an error."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        self.requests += 1
        name = f"{self.requests:05d}"
        tmp = self.inbox / f"{name}.tmp-request"
        tmp.write_text(json.dumps(payload))
        tmp.rename(self.inbox / f"{name}.request")
        answer = self.inbox / f"{name}.answer"
        deadline = time.monotonic() + timeout
        while not answer.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"the {self.script.stem} driver exited ({self.proc.poll()}) or hung:\n"
                    + self.log.read_text(errors="replace")[-4000:]
                )
            time.sleep(0.05)
        d = json.loads(answer.read_text())
        if "error" in d:
            raise AssertionError(f"the {self.script.stem} driver failed:\n{d['error'][:4000]}")
        return d

    def close(self) -> None:
        if self.proc is None:
            return
        (self.inbox / "stop").touch()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            kill_group(self.proc)
        self.proc = None


class SparkReader(SparkDriver):
    """Spark (Delta from the shipped jar) as the second reader (spark_read.py)."""

    def __init__(self, log_dir: Path):
        super().__init__(SPARK_READ, log_dir, ("gold",), "1g")

    def fingerprints(
        self, specs: list[tuple[str, Path, Path, int | None]], timeout: float = 900
    ) -> dict[str, Fingerprint]:
        """Reads every (label, table path, lake root, version or None); returns label ->
        (version read, rows, content digest over the non-volatile columns, lake root and
        database name normalized)."""
        if not specs:
            return {}
        d = self.request(
            {
                "volatile": sorted(VOLATILE),
                "tables": [
                    {
                        "label": label,
                        "path": str(path),
                        "roots": list(lake_roots(lake)),
                        "version": version,
                    }
                    for label, path, lake, version in specs
                ],
            },
            timeout,
        )
        out = {t["label"]: Fingerprint(t["version"], t["rows"], t["digest"]) for t in d["tables"]}
        missing = [s[0] for s in specs if s[0] not in out]
        assert not missing, f"Spark returned nothing for {missing}"
        return out


# ---------------------------------------------------------------------------------------------
# PostgreSQL

PG_TABLES = {  # table -> ORDER BY; alert_id (an identity) is left out: a rolled-back
    # transaction consumes identity values, so it differs between equal histories
    "stations": "station_id",
    "compressor_metadata": "compressor_id",
    "maintenance_events": "maintenance_id",
    "sensor_readings_agg": "compressor_id, window_type, agg_timestamp",
    "alert_history": "compressor_id, sensor, started_at",
    "data_quality_metrics": "run_id, stage, metric, column_name",
    "pipeline_runs": "run_id, stage, started_at",
}
# Tables whose run_id is lineage (ExportTables: the export run that last changed the row), not
# data as in the two ops mirrors.
PG_LINEAGE = (
    "stations",
    "compressor_metadata",
    "maintenance_events",
    "sensor_readings_agg",
    "alert_history",
)


def pg_settings() -> dict:
    out = subprocess.run(
        [str(ROOT / "scripts" / "pg.sh"), "env"], capture_output=True, text=True, check=True
    ).stdout
    env = dict(p.split("=", 1) for p in out.replace("export ", "").split())
    if os.environ.get("ALTAVIZ_PG_PASSWORD"):
        env["ALTAVIZ_PG_PASSWORD"] = os.environ["ALTAVIZ_PG_PASSWORD"]
    return env


def connect(env: dict, db: str | None = None):
    return psycopg2.connect(
        host=env["ALTAVIZ_PG_HOST"],
        port=int(env["ALTAVIZ_PG_PORT"]),
        user=env["ALTAVIZ_PG_USER"],
        dbname=db or env["ALTAVIZ_PG_DB"],
        password=env.get("ALTAVIZ_PG_PASSWORD"),
        connect_timeout=10,
    )


def admin_sql(env: dict, sql: str) -> None:
    conn = connect(env, "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as c:
            c.execute(sql)
    finally:
        conn.close()


def create_db(env: dict, template: str | None = None) -> dict:
    """A fresh scratch database (optionally a copy of `template`); returns its settings.
    Copying a template needs it to have no other session: the reference databases are shared
    by the xdist workers, so a copy waits while another worker reads the template."""
    name = "altaviz_rel_" + uuid.uuid4().hex[:12]
    sql = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
    deadline = time.monotonic() + 300
    while True:
        try:
            admin_sql(env, sql)
            return {**env, "ALTAVIZ_PG_DB": name}
        except psycopg2.errors.ObjectInUse:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def drop_db(env: dict) -> None:
    admin_sql(env, f"DROP DATABASE IF EXISTS {env['ALTAVIZ_PG_DB']} WITH (FORCE)")


def pg_dump_tables(
    env: dict,
    lake: Path | None = None,
    without_export_runs: bool = False,
    without_lineage: bool = False,
) -> dict[str, list[tuple]]:
    """Every export table, ordered by its key, without volatile columns and alert_id (and the
    lineage run_id of PG_LINEAGE tables if asked); lake paths (in mirrored ledger rows)
    normalized. Empty dict when the schema does not exist."""
    roots = lake_roots(*([lake] if lake else []))
    conn = connect(env)
    try:
        with conn.cursor() as c:
            c.execute("SET TIME ZONE 'UTC'")
            c.execute("SELECT to_regclass('public.stations') IS NOT NULL")
            if not c.fetchone()[0]:
                return {}
            out = {}
            for t, order in PG_TABLES.items():
                c.execute(f"SELECT * FROM {t} ORDER BY {order}")
                names = [d[0] for d in c.description]
                drop = (
                    VOLATILE
                    | {"alert_id"}
                    | ({"run_id"} if without_lineage and t in PG_LINEAGE else set())
                )
                keep = [i for i, n in enumerate(names) if n not in drop]
                stage = names.index("stage") if "stage" in names else None
                rows = []
                for r in c.fetchall():
                    if without_export_runs and t == "pipeline_runs" and r[stage] == "export":
                        continue
                    rows.append(tuple(_norm_value(r[i], roots) for i in keep))
                out[t] = sorted(rows, key=repr)
            return out
    finally:
        conn.close()


def pg_digest(env: dict) -> str:
    """A digest of every row of every table (all columns, nothing normalized) and of every
    sequence's position: the whole state a stage can see, for telling databases apart exactly."""
    conn = connect(env)
    try:
        with conn.cursor() as c:
            c.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                " 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
            out = {}
            for (t,) in c.fetchall():
                c.execute(f'SELECT * FROM "{t}"')
                out[t] = sorted(map(repr, c.fetchall()))
            c.execute(
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = 'public' ORDER BY 1"
            )
            out["(sequences)"] = c.fetchall()
            return hashlib.sha256(repr(out).encode()).hexdigest()
    finally:
        conn.close()


def reset_moto(endpoint: str) -> None:
    """Empties moto's S3 behind ``endpoint``. Every moto server of one Python process serves the
    same in-memory backend, so a bucket another test of this xdist worker wrote (the quality
    report's s3a:// lake, say) would otherwise still be there."""
    urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST"))


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise AssertionError(f"no free port from {start}")


def pg_bin() -> Path:
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / "initdb").exists():
            return d
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise AssertionError("PostgreSQL server binaries (initdb) not found; see scripts/pg.sh")


@dataclass
class ThrowawayPg:
    """A private PostgreSQL cluster (initdb into a temp dir) that a test may stop and start;
    the shared server of scripts/pg.sh is never touched."""

    port: int
    base: Path
    bin: Path = field(default_factory=pg_bin)

    @property
    def data(self) -> Path:
        return self.base / "data"

    def _as_owner(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {}
        if os.getuid() == 0:  # initdb/postgres refuse to run as root (as in scripts/pg.sh)
            kwargs = {"user": "postgres", "group": "postgres", "extra_groups": []}
        return subprocess.run(
            list(cmd), capture_output=True, text=True, check=check, timeout=120, **kwargs
        )

    def init(self) -> ThrowawayPg:
        if os.getuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self._as_owner(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        return self

    def start(self) -> None:
        self._as_owner(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.base / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_owner(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False
        )

    def running(self) -> bool:
        return (
            self._as_owner(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False
            ).returncode
            == 0
        )

    def env(self, db: str = "compressor_health") -> dict:
        return {
            "ALTAVIZ_PG_HOST": "127.0.0.1",
            "ALTAVIZ_PG_PORT": str(self.port),
            "ALTAVIZ_PG_DB": db,
            "ALTAVIZ_PG_USER": "postgres",
        }

    @classmethod
    def create(cls, port_from: int = 55433) -> ThrowawayPg:
        base = Path(tempfile.mkdtemp(prefix="altaviz-pg-", dir="/tmp"))
        pg = cls(free_port(port_from), base)
        pg.init()
        pg.start()
        return pg

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)
