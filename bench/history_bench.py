"""History benchmark: one new day of the whole fleet with 7, 90 and 365 days of history.

What a daily run costs must not grow with the history in the lake. A year of the full fleet is
too much data for this machine, so the history is built cheaply, in the order a lake grows in
when a fleet is onboarded late:
  1. the full fleet (default 4,500 compressors) for 7 days, one batch (not measured);
  2. one new day, measured -> "7 days of history";
  3. older days of a small fleet (default 10 compressors, ids shared with the full fleet)
     backfilled before the full week, one batch through all four stages (not measured), until
     the lake holds 90 days; the ops tables get the rows a year of daily runs would have added
     (below); the weekly maintenance job runs (OPTIMIZE, VACUUM; not measured);
  4. the next new day, measured -> "90 days"; 3-4 again up to 365 days.
Every measured run is one new day of the full fleet through scripts/spark-submit.sh, as Airflow
runs it, with Spark's event log on: per stage wall time, and the files and bytes Spark's scans
read (the scans' own metrics, summed) — proportional work reads the same files whatever the
history. The lake's tables hold a file per date partition of the history (and the Delta logs their
checkpoints), as daily runs leave them after the weekly OPTIMIZE.

Daily runs add rows to ops/pipeline_runs and ops/quality_metrics every day; a batch adds one
run's. After each backfill the benchmark appends, in one commit per table (what the weekly
OPTIMIZE leaves of them), copies of the backfill's rows for each backfilled day as its own run
(run id hist-YYYY-MM-DD, that day's interval), so those tables hold a year's rows.

  .venv/bin/python bench/history_bench.py [--fleet 4500] [--small 10] [--histories 7,90,365]"""

from __future__ import annotations

import argparse
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable, write_deltalake
from pipeline_bench import (
    ROOT,
    STAGES,
    START,
    Bench,
    Measure,
    link_days,
    machine,
    pg_env,
    publish,
    timed,
)
from stage_profile import ScanReads, scan_reads

OPS_TABLES = ("ops/pipeline_runs", "ops/quality_metrics")


@dataclass
class Day:
    history: int  # days of readings in the lake before the new day
    day: date
    measures: list[Measure]
    scans: list[ScanReads]  # per stage
    lake: str  # what the lake held (files, log)


def midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def emulate_daily_ops_rows(lake: Path, run_id: str, backfilled: list[date]) -> int:
    """Appends, per ops table, the backfill run's rows once per backfilled day as that day's run
    (one commit per table, as the weekly OPTIMIZE would leave them); returns the rows added."""
    added = 0
    for name in OPS_TABLES:
        dt = DeltaTable(str(lake / name))
        rows = dt.to_pyarrow_table(filters=[("run_id", "=", run_id)])
        if rows.num_rows == 0:
            continue
        copies = []
        for d in backfilled:
            shift = {
                "interval_start": midnight(d),
                "interval_end": midnight(d + timedelta(days=1)),
            }
            t = rows.set_column(
                rows.schema.get_field_index("run_id"),
                rows.schema.field("run_id"),
                pa.array([f"hist-{d}"] * rows.num_rows, pa.string()),
            )
            for col, value in shift.items():
                i = t.schema.get_field_index(col)
                values = pc.cast(pa.array([value] * t.num_rows), t.schema[i].type)
                t = t.set_column(i, t.schema.field(col), values)
            copies.append(t)
        table = pa.concat_tables(copies)
        write_deltalake(dt, table, mode="append")
        added += table.num_rows
    return added


def lake_shape(lake: Path) -> str:
    data = sum(1 for _ in lake.glob("**/*.parquet") if "_delta_log" not in str(_))
    logs = sum(1 for _ in lake.glob("**/_delta_log/*.json"))
    checkpoints = sum(1 for _ in lake.glob("**/_delta_log/*.checkpoint*.parquet"))
    return f"{data:,} data files, {logs:,} commits, {checkpoints} checkpoints"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fleet", type=int, default=4500, help="compressors of the measured days")
    ap.add_argument("--small", type=int, default=10, help="compressors of the older history")
    ap.add_argument("--histories", default="7,90,365", help="history lengths, days, ascending")
    ap.add_argument("--work", default=str(ROOT / "bench" / "work" / "history"))
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--no-record", action="store_true", help="print only")
    args = ap.parse_args()
    histories = [int(h) for h in args.histories.split(",")]
    if histories != sorted(histories) or histories[0] != 7:
        ap.error("--histories: day counts in ascending order, the first 7")
    work = Path(args.work).resolve()
    bench = Bench(work, pg_env(), keep=False)
    started = datetime.now(UTC)
    desc = machine()
    print(desc, flush=True)

    # the full fleet: the week, then one new day per measurement; the small fleet before it
    full = work / f"raw-{args.fleet}x{7 + len(histories)}"
    bench.simulate(full, args.fleet, 7 + len(histories))
    older = max(h - 7 - i for i, h in enumerate(histories))
    small = work / f"raw-{args.small}x{older}"
    if older > 0:
        bench.simulate(small, args.small, older, START - timedelta(days=older))
    raw, lake = work / "raw", work / "lake"
    for p in (raw, lake):
        shutil.rmtree(p, ignore_errors=True)
    db = bench.create_db()
    results: list[Day] = []
    try:
        link_days(full, raw, range(7))
        print(f"the week: {args.fleet:,} compressors x 7 days, one batch (not measured)")
        bench.pipeline(raw, lake, "week", db=db)
        loaded = 0  # small-fleet days in the lake
        for i, history in enumerate(histories):
            want = history - 7 - i
            if want > loaded:
                first = START - timedelta(days=want)
                link_days(small, raw, range(want - loaded), first, csvs=False)
                backfill = [first + timedelta(days=d) for d in range(want - loaded)]
                run_id = f"backfill-{want}"
                print(f"backfill: {args.small} compressors, {first}..{backfill[-1]} (not measured)")
                bench.pipeline(
                    raw,
                    lake,
                    run_id,
                    "--start",
                    f"{first}T00:00:00Z",
                    "--end",
                    f"{START - timedelta(days=loaded)}T00:00:00Z",
                    db=db,
                )
                n = emulate_daily_ops_rows(lake, run_id, backfill)
                print(f"  ops tables: {n:,} rows of {len(backfill)} daily runs appended")
                maintenance(bench, lake)
                loaded = want
            day = START + timedelta(days=7 + i)
            link_days(full, raw, range(7 + i, 8 + i))
            shape = lake_shape(lake)
            print(f"one new day ({day}) after {history} days of history ({shape}):", flush=True)
            measures, scans = [], []
            for stage in STAGES:
                events = work / "events" / f"{history}-{stage}"
                shutil.rmtree(events, ignore_errors=True)
                events.mkdir(parents=True)
                os.environ["ALTAVIZ_SPARK_CONF"] = (
                    "--conf spark.eventLog.enabled=true "
                    f"--conf spark.eventLog.dir={events.as_uri()}"
                )
                try:
                    measures.append(
                        bench.stage(stage, raw, lake, f"day-{day}", "--date", str(day), db=db)
                    )
                finally:
                    os.environ.pop("ALTAVIZ_SPARK_CONF")
                scans.append(scan_reads(events))
            results.append(Day(history, day, measures, scans, shape))
    finally:
        bench.drop_db(db)
    publish(render(args, desc, started, results), args)


def maintenance(bench: Bench, lake: Path) -> None:
    """The weekly maintenance DAG's job: OPTIMIZE (Z-order) and VACUUM of every lake table."""
    log = bench.logs / f"maintenance-{datetime.now(UTC):%H%M%S}.log"
    m = timed(
        [str(ROOT / "scripts" / "spark-submit.sh"), "maintenance", "--lake", str(lake)],
        log,
        {**os.environ},
    )
    if m.returncode != 0:
        raise SystemExit(f"bench: maintenance exited {m.returncode} (log {log})")
    print(f"  maintenance {m.seconds:.1f} s (not measured)")


def render(args, desc: str, started: datetime, results: list[Day]) -> str:
    lines = [
        f"## History: one new day at {args.fleet:,} compressors after "
        f"{', '.join(str(r.history) for r in results)} days ({started:%Y-%m-%d %H:%M} UTC)",
        "",
        f"`bench/history_bench.py`: the full fleet's week, then older history of "
        f"{args.small} compressors backfilled (ops tables with a row set per day), weekly "
        "maintenance before each measured day; each stage through `scripts/spark-submit.sh`, "
        "wall s (JVM start included); what Spark's scans read over the four stages: table "
        "data files / MB, and Delta log files (checkpoints and commits replayed).",
        "",
        f"Machine: {desc}.",
        "",
        "| history | day | bronze | silver | gold | export | end to end | data files / MB read "
        "| log files read | lake |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        total = sum(m.seconds for m in r.measures)
        s = sum(r.scans, ScanReads())
        lines.append(
            f"| {r.history} days | {r.day} | "
            + " | ".join(f"{m.seconds:.1f}" for m in r.measures)
            + f" | **{total:.1f}** | {s.data_files:,} / {s.data_bytes / 1e6:,.0f} | "
            f"{s.log_files:,} | {r.lake} |"
        )
    lines += [
        "",
        "Per stage, data / log files read: "
        + "; ".join(
            f"{r.history} d: "
            + ", ".join(
                f"{st} {s.data_files} / {s.log_files}"
                for st, s in zip(STAGES, r.scans, strict=True)
            )
            for r in results
        )
        + ".",
        "",
        "Target: one new day at 4,500 < 60 s, within ±10 % from 7 to 365 days of history.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
