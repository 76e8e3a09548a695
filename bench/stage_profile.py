"""Where one new day's time goes, per stage: Spark jobs, Delta commits, start-up and driver gaps.

Simulates a fleet over the history days plus one, loads the history as one batch (not measured),
then runs bronze, silver, gold and export for the new day through scripts/spark-submit.sh with
Spark's event log on, and reads per stage from the event log and the lake:
  - wall s: process start to exit (JVM, SparkSession and Delta start included)
  - to 1st job: from the application's start to its first Spark job (session, log reads, planning)
  - jobs / in jobs: Spark jobs and the seconds they ran (sum of job durations)
  - between: seconds of the application with no job running (driver work: planning, code
    generation, Delta log and snapshot work, our code, PostgreSQL)
  - commits: new commit files in the lake's Delta logs (every table the stage wrote)
Prints the table and appends it to bench/RESULTS.md (--no-record: print only).
  .venv/bin/python bench/stage_profile.py --compressors 10 --history-days 7"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline_bench import ROOT, STAGES, START, Bench, link_days, machine, pg_env, publish


@dataclass
class Profile:
    stage: str
    wall: float
    jobs: int
    first_job: float
    in_jobs: float
    between: float
    commits: int


def commit_files(lake: Path) -> int:
    return sum(1 for _ in lake.glob("**/_delta_log/*.json"))


def read_event_log(events: Path) -> tuple[int, float, float, float]:
    """(jobs, s from application start to the first job, s in jobs, s with no job running)."""
    (log,) = list(events.iterdir())
    start = end = None
    spans: list[tuple[float, float]] = []
    submitted: dict[int, float] = {}
    for line in log.read_text().splitlines():
        e = json.loads(line)
        kind = e["Event"]
        if kind == "SparkListenerApplicationStart":
            start = e["Timestamp"] / 1000
        elif kind == "SparkListenerApplicationEnd":
            end = e["Timestamp"] / 1000
        elif kind == "SparkListenerJobStart":
            submitted[e["Job ID"]] = e["Submission Time"] / 1000
        elif kind == "SparkListenerJobEnd":
            spans.append((submitted[e["Job ID"]], e["Completion Time"] / 1000))
    spans.sort()
    busy, covered_to = 0.0, start
    for s, t in spans:  # union of job spans: jobs of one query may overlap
        s = max(s, covered_to)
        if t > s:
            busy += t - s
            covered_to = t
    first = spans[0][0] - start if spans else end - start
    return len(spans), first, sum(t - s for s, t in spans), (end - start) - busy


@dataclass
class ScanReads:
    """What an application's Spark scans read: table data files (and their bytes), and Delta log
    files (checkpoint and commit files read to build a snapshot)."""

    data_files: int = 0
    data_bytes: int = 0
    log_files: int = 0

    def __add__(self, o: ScanReads) -> ScanReads:
        return ScanReads(
            self.data_files + o.data_files,
            self.data_bytes + o.data_bytes,
            self.log_files + o.log_files,
        )


def scan_reads(events: Path) -> ScanReads:
    """The final values of every scan's "number of files read" and "size of files read" metrics
    (driver-side SQL metrics, posted once per scan) in the event log, by what the scan read: a
    scan of a DeltaLogFileIndex reads a Delta log, any other a table's data."""
    scans: dict[int, tuple[bool, int | None]] = {}  # files metric id -> (log?, bytes metric id)

    def plan(info: dict) -> None:
        ids = {m["name"]: m["accumulatorId"] for m in info.get("metrics", [])}
        if "number of files read" in ids:
            location = info.get("metadata", {}).get("Location", "")
            scans[ids["number of files read"]] = (
                location.startswith("DeltaLogFileIndex"),
                ids.get("size of files read"),
            )
        for child in info.get("children", []):
            plan(child)

    values: dict[int, int] = {}
    (log,) = list(events.iterdir())
    for line in log.read_text().splitlines():
        e = json.loads(line)
        if "sparkPlanInfo" in e:  # an SQL execution's start or its adaptive re-plan
            plan(e["sparkPlanInfo"])
        elif e["Event"].endswith("SparkListenerDriverAccumUpdates"):
            for acc_id, value in e["accumUpdates"]:
                values[acc_id] = max(values.get(acc_id, 0), value)
    out = ScanReads()
    for files_id, (is_log, bytes_id) in scans.items():
        files = values.get(files_id, 0)
        if is_log:
            out.log_files += files
        else:
            out.data_files += files
            out.data_bytes += values.get(bytes_id, 0) if bytes_id is not None else 0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compressors", type=int, default=10)
    ap.add_argument("--history-days", type=int, default=7)
    ap.add_argument("--label", default="", help="names the run in the recorded heading")
    ap.add_argument("--work", default=str(ROOT / "bench" / "work" / "profile"))
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--no-record", action="store_true", help="print only")
    args = ap.parse_args()
    n, days = args.compressors, args.history_days
    work = Path(args.work).resolve()
    bench = Bench(work, pg_env(), keep=False)
    started = datetime.now(UTC)
    desc = machine()
    print(desc, flush=True)
    full = work / f"raw-{n}x{days + 1}"
    bench.simulate(full, n, days + 1)
    raw, lake = work / "raw", work / "lake"
    for p in (raw, lake):
        shutil.rmtree(p, ignore_errors=True)
    db = bench.create_db()
    profiles = []
    try:
        link_days(full, raw, range(days))
        print(f"history: {n:,} compressors x {days} days, one batch (not measured)", flush=True)
        bench.pipeline(raw, lake, "history", db=db)
        link_days(full, raw, range(days + 1))
        day = (START + timedelta(days=days)).isoformat()
        print(f"one new day ({day}), profiled:", flush=True)
        for stage in STAGES:
            events = work / "events" / stage
            shutil.rmtree(events, ignore_errors=True)
            events.mkdir(parents=True)
            os.environ["ALTAVIZ_SPARK_CONF"] = (
                f"--conf spark.eventLog.enabled=true --conf spark.eventLog.dir={events.as_uri()}"
            )
            before = commit_files(lake)
            m = bench.stage(stage, raw, lake, "day", "--date", day, db=db)
            jobs, first, in_jobs, between = read_event_log(events)
            profiles.append(
                Profile(
                    stage, m.seconds, jobs, first, in_jobs, between, commit_files(lake) - before
                )
            )
    finally:
        os.environ.pop("ALTAVIZ_SPARK_CONF", None)
        bench.drop_db(db)
    report = render(args, desc, started, profiles)
    publish(report, args)


def render(args, desc: str, started: datetime, profiles: list[Profile]) -> str:
    label = f" — {args.label}" if args.label else ""
    lines = [
        f"## Stage profile: one new day at {args.compressors:,} compressors after "
        f"{args.history_days} days ({started:%Y-%m-%d %H:%M} UTC){label}",
        "",
        "`bench/stage_profile.py`: Spark event log and Delta log of each stage's run; "
        "'between' = application time with no Spark job running (driver work).",
        "",
        f"Machine: {desc}.",
        "",
        "| stage | wall s | to 1st job s | Spark jobs | in jobs s | between s | Delta commits |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for p in profiles:
        lines.append(
            f"| {p.stage} | {p.wall:.1f} | {p.first_job:.1f} | {p.jobs} | {p.in_jobs:.1f} | "
            f"{p.between:.1f} | {p.commits} |"
        )
    total = Profile(
        "all",
        *(sum(getattr(p, f) for p in profiles) for f in Profile.__annotations__ if f != "stage"),
    )
    lines.append(
        f"| **all** | **{total.wall:.1f}** | {total.first_job:.1f} | {total.jobs} | "
        f"{total.in_jobs:.1f} | {total.between:.1f} | {total.commits} |"
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
