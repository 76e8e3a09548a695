"""Scaling benchmark of the whole pipeline through the shipped jars (bench/run.sh runs it).

For each fleet size (default 10 / 100 / 1,000 / 4,500 compressors) x 7 days of simulator data it
runs bronze, silver, gold and export exactly as Airflow would (scripts/spark-submit.sh, local[2],
2 GB driver, a scratch PostgreSQL database), as one batch over the 7 days, and measures per
stage the wall time (process start to exit: JVM start and SparkSession included) and the peak
resident set size (ru_maxrss of the spark-submit process tree, i.e. the driver JVM). Then, at the
largest size, the cost of ONE new day after the 7 days (longer histories: history_bench.py).
Prints the tables and appends them with a machine description and the targets to
bench/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("bronze", "silver", "gold", "export")
START = date(2024, 2, 1)


@dataclass
class Measure:
    stage: str
    seconds: float
    peak_rss_mb: float
    returncode: int
    log: Path

    def rows(self) -> str:
        m = re.search(
            r"SUMMARY stage=\w+ .*?rows_in=(\d+) rows_out=(\d+)",
            self.log.read_text(errors="replace"),
        )
        return f"{m.group(1)} in / {m.group(2)} out" if m else "?"


def timed(cmd: list[str], log: Path, env: dict) -> Measure:
    """Runs cmd; wall time and peak RSS of the process tree (wait4 rusage: the maximum over
    the child and the descendants it waited for - the driver JVM)."""
    t0 = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measure(cmd[1], time.monotonic() - t0, usage.ru_maxrss / 1024, proc.returncode, log)


class Bench:
    def __init__(self, work: Path, pg_env: dict, keep: bool):
        self.work = work
        self.pg_env = pg_env
        self.keep = keep
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def stage(
        self, stage: str, raw: Path, lake: Path, run_id: str, *interval: str, db: str | None = None
    ) -> Measure:
        self.n += 1
        log = self.logs / f"{self.n:03d}-{stage}-{run_id}.log"
        env = {**os.environ, **self.pg_env}
        if db:
            env["ALTAVIZ_PG_DB"] = db
        cmd = [
            str(ROOT / "scripts" / "spark-submit.sh"),
            stage,
            "--raw",
            str(raw),
            "--lake",
            str(lake),
            "--run-id",
            run_id,
            *interval,
        ]
        m = timed(cmd, log, env)
        m.stage = stage
        if m.returncode != 0:
            tail = log.read_text(errors="replace")[-3000:]
            sys.exit(f"bench: {stage} {run_id} exited {m.returncode} (log {log}):\n{tail}")
        print(
            f"  {stage:<7} {m.seconds:7.1f} s  peak RSS {m.peak_rss_mb:7.0f} MB  ({m.rows()})",
            flush=True,
        )
        return m

    def pipeline(
        self, raw: Path, lake: Path, run_id: str, *interval: str, db: str
    ) -> list[Measure]:
        return [self.stage(s, raw, lake, run_id, *interval, db=db) for s in STAGES]

    def simulate(self, raw: Path, compressors: int, days: int, start: date = START) -> None:
        done = raw / "_bench_complete"
        if done.exists():
            return
        shutil.rmtree(raw, ignore_errors=True)
        print(f"simulating {compressors:,} compressors x {days} days -> {raw}", flush=True)
        m = timed(
            [
                str(ROOT / "scripts" / "spark-submit.sh"),
                "simulator",
                "--raw",
                str(raw),
                "--compressors",
                str(compressors),
                "--days",
                str(days),
                "--start-date",
                start.isoformat(),
                "--seed",
                "42",
            ],
            self.logs / f"simulator-{compressors}x{days}.log",
            dict(os.environ),
        )
        if m.returncode != 0:
            sys.exit(f"bench: simulator failed, log {m.log}")
        done.write_text(f"{m.seconds:.1f} s\n")

    def create_db(self) -> str:
        name = "altaviz_bench_" + uuid.uuid4().hex[:10]
        self.psql(f"CREATE DATABASE {name}")
        return name

    def drop_db(self, name: str) -> None:
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def psql(self, sql: str) -> None:
        e = self.pg_env
        subprocess.run(
            [
                "psql",
                "-h",
                e["ALTAVIZ_PG_HOST"],
                "-p",
                e["ALTAVIZ_PG_PORT"],
                "-U",
                e["ALTAVIZ_PG_USER"],
                "-d",
                "postgres",
                "-qAtc",
                sql,
            ],
            check=True,
            env={**os.environ, "PGPASSWORD": e.get("ALTAVIZ_PG_PASSWORD", "")},
        )


def link_days(src: Path, dst: Path, days: range, first: date = START, csvs: bool = True) -> None:
    """dst := a landing zone with src's folders of the days first + d for d in days, and src's
    CSVs unless csvs is False (hard links: no copy of the data, and bronze sees ordinary files)."""
    dst.mkdir(parents=True, exist_ok=True)
    if csvs:
        for csv in src.glob("*.csv"):
            if not (dst / csv.name).exists():
                os.link(csv, dst / csv.name)
    for d in days:
        name = f"date={first + timedelta(days=d)}"
        folder = dst / "sensor_readings" / name
        if folder.exists():
            continue
        folder.mkdir(parents=True)
        for f in (src / "sensor_readings" / name).iterdir():
            os.link(f, folder / f.name)


def publish(report: str, args: argparse.Namespace) -> None:
    """Prints the report and appends it to args.results unless args.no_record."""
    print("\n" + report)
    if not args.no_record:
        with open(args.results, "a") as f:
            f.write("\n" + report)
        print(f"appended to {args.results}")


def pg_env() -> dict:
    """The ALTAVIZ_PG_* settings of the local server (scripts/pg.sh env)."""
    out = subprocess.run(
        [str(ROOT / "scripts" / "pg.sh"), "env"], capture_output=True, text=True, check=True
    ).stdout
    return dict(p.split("=", 1) for p in out.replace("export ", "").split())


def iso(d: date) -> str:
    return f"{d.isoformat()}T00:00:00Z"


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    java = java.splitlines()[0] if java else "?"
    load = os.getloadavg()
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem / 1024 / 1024:.0f} GB RAM; "
        f"{platform.platform()}; {java}; Spark 3.5 (pyspark in .venv) local[2], "
        f"driver 2 GB; load average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--scales",
        default="10,100,1000,4500",
        help="fleet sizes, comma-separated (default %(default)s)",
    )
    ap.add_argument(
        "--no-incremental",
        action="store_true",
        help="skip the one-new-day runs at the largest size",
    )
    ap.add_argument(
        "--work",
        default=str(ROOT / "bench" / "work" / "pipeline"),
        help="scratch directory (raw data is kept and reused, lakes are rebuilt)",
    )
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--no-record", action="store_true", help="print only")
    args = ap.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    work = Path(args.work)
    bench = Bench(work, pg_env(), keep=False)
    started = datetime.now(UTC)
    desc = machine()
    print(desc, flush=True)

    table: list[tuple[int, list[Measure]]] = []
    incremental: list[tuple[int, list[Measure]]] = []
    largest = max(scales)
    for n in scales:
        days = 8 if (n == largest and not args.no_incremental) else 7
        full = work / f"raw-{n}x{days}"
        bench.simulate(full, n, days)
        raw = work / f"raw-{n}"  # the landing zone the pipeline sees, grown day by day
        lake = work / f"lake-{n}"
        shutil.rmtree(raw, ignore_errors=True)
        shutil.rmtree(lake, ignore_errors=True)
        link_days(full, raw, range(7))
        db = bench.create_db()
        try:
            print(f"{n:,} compressors x 7 days, one batch:", flush=True)
            table.append((n, bench.pipeline(raw, lake, "bench-7d", db=db)))
            if n == largest and not args.no_incremental:
                print(f"{n:,} compressors, one new day after 7 days of history:", flush=True)
                link_days(full, raw, range(8))
                day8 = START + timedelta(days=7)
                incremental.append(
                    (7, bench.pipeline(raw, lake, "bench-day8", "--date", day8.isoformat(), db=db))
                )
        finally:
            bench.drop_db(db)

    report = render(desc, started, table, incremental)
    publish(report, args)


def fmt(m: Measure) -> str:
    return f"{m.seconds:.1f} s / {m.peak_rss_mb:,.0f} MB"


def render(desc: str, started: datetime, table, incremental) -> str:
    lines = [
        f"## Scaling: whole pipeline through spark-submit ({started:%Y-%m-%d %H:%M} UTC)",
        "",
        "`bench/run.sh` (bench/pipeline_bench.py): simulator data, each stage run by "
        "`scripts/spark-submit.sh` as Airflow runs it; per stage wall time (process start "
        "to exit, JVM and SparkSession start included) / peak RSS of the driver JVM "
        "(ru_maxrss); export into a scratch PostgreSQL database.",
        "",
        f"Machine: {desc}.",
        "",
        "| compressors × days | readings | bronze | silver | gold | export | "
        "end to end | max peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, ms in table:
        total = sum(m.seconds for m in ms)
        peak = max(m.peak_rss_mb for m in ms)
        lines.append(
            f"| {n:,} × 7 | {n * 7 * 144:,} | "
            + " | ".join(fmt(m) for m in ms)
            + f" | **{total:.1f} s** | {peak:,.0f} MB |"
        )
    if incremental:
        n = table[-1][0]
        lines += [
            "",
            f"One new day at {n:,} compressors ({n * 144:,} readings; `--date`, "
            "silver/gold/export re-cover the 24 h lookback):",
            "",
            "| history in the lake | bronze | silver | gold | export | end to end |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for days, ms in incremental:
            total = sum(m.seconds for m in ms)
            lines.append(
                f"| {days} days | " + " | ".join(fmt(m) for m in ms) + f" | **{total:.1f} s** |"
            )
    lines += [
        "",
        "Targets: development scale (10 × 7) < 40 s end to end; "
        "4,500 × 7 < 90 s; one new day at 4,500 < 60 s, flat with history "
        "(bench/history_bench.py); every stage within a 2 GB driver.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
