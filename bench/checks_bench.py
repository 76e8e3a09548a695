"""What the check suite costs silver and gold (docs/quality-and-features.md, "Check suite").

A/B on the same lake: each case runs silver then gold through scripts/spark-submit.sh twice with
the shipped config/etl_config.yaml ("suite") and twice with a copy whose `checks:` keeps only the
silver gates that predate the suite ("gates": missing rate, freshness, completeness, consistency,
rejected share), alternating, each on a fresh copy of the case's input lake. Cases per fleet size:
the 7-day batch (drift skipped: a batch has no reference window) and one new day after those 7
days (drift against them, anomalies against the metric history). Prints the table and appends it
to bench/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from pipeline_bench import ROOT, START, Bench, link_days, machine, publish

MEASURING = re.compile(r"Measuring data quality done \[([0-9.]+) s\]")
GATES = ("missing_rate", "freshness_minutes", "completeness", "consistency", "rejected_share")


def gates_config(path: Path) -> Path:
    config = yaml.safe_load((ROOT / "config" / "etl_config.yaml").read_text())
    config["checks"] = {k: v for k, v in config["checks"].items() if k in GATES}
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def prepare(bench: Bench, work: Path, n: int) -> tuple[Path, Path, Path]:
    """(raw, lake after bronze of days 1-7, lake after the whole 7-day batch + bronze of day 8)."""
    full = work / f"raw-{n}x8"
    bench.simulate(full, n, 8)
    raw = work / f"raw-{n}"
    batch = work / f"lake-{n}-bronze7"
    day = work / f"lake-{n}-day8"
    if not (day / "_bench_complete").exists():
        for p in (raw, batch, day):
            shutil.rmtree(p, ignore_errors=True)
        link_days(full, raw, range(7))
        bench.stage("bronze", raw, batch, "b7")
        shutil.copytree(batch, day, symlinks=True)
        for s in ("silver", "gold"):
            bench.stage(s, raw, day, "b7")
        link_days(full, raw, range(8))
        bench.stage("bronze", raw, day, "d8", "--date", (START + timedelta(days=7)).isoformat())
        (day / "_bench_complete").write_text("")
    return raw, batch, day


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="10,4500")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--cases", default="batch,day", help="batch, day or both")
    ap.add_argument("--work", default=str(ROOT / "bench" / "work" / "checks"))
    ap.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--no-record", action="store_true", help="print only")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    configs = {"gates": gates_config(work / "gates_only.yaml"), "suite": None}
    bench = Bench(work, {}, keep=False)
    started = datetime.now(UTC)
    desc = machine()
    print(desc, flush=True)
    rows = []
    for n in (int(s) for s in args.scales.split(",")):
        raw, batch, day = prepare(bench, work, n)
        day8 = (START + timedelta(days=7)).isoformat()
        cases = {
            "batch": (f"{n:,} × 7, one batch", batch, ()),
            "day": (f"{n:,}, one new day after 7", day, ("--date", day8)),
        }
        for case, base, interval in (cases[c] for c in args.cases.split(",")):
            secs: dict[tuple[str, str], list[float]] = {}
            for rep in range(args.reps):
                for name, config in configs.items():
                    lake = work / "lake-run"
                    shutil.rmtree(lake, ignore_errors=True)
                    shutil.copytree(base, lake, symlinks=True)
                    if config:
                        os.environ["ALTAVIZ_CONFIG"] = str(config)
                    else:
                        os.environ.pop("ALTAVIZ_CONFIG", None)
                    print(f"{case}, {name}, run {rep + 1}:", flush=True)
                    for stage in ("silver", "gold"):
                        m = bench.stage(stage, raw, lake, f"{name}{rep}", *interval)
                        secs.setdefault((name, stage), []).append(m.seconds)
                        if stage == "silver":
                            step = MEASURING.search(m.log.read_text(errors="replace"))
                            secs.setdefault((name, "measuring"), []).append(float(step[1]))
            os.environ.pop("ALTAVIZ_CONFIG", None)
            rows.append((case, secs))
    report = render(desc, started, args.reps, rows)
    publish(report, args)


def render(desc: str, started: datetime, reps: int, rows) -> str:
    def cell(xs: list[float]) -> str:
        return f"{statistics.median(xs):.1f} ({' / '.join(f'{x:.1f}' for x in xs)})"

    lines = [
        f"## What the check suite costs silver and gold ({started:%Y-%m-%d %H:%M} UTC)",
        "",
        "`bench/checks_bench.py`: wall s per stage run through `scripts/spark-submit.sh`, "
        f"median of {reps} (the runs in brackets), gates = the five silver gates only, suite = "
        "the shipped `checks:`; alternating on fresh copies of the same lake. Silver's step "
        "'Measuring data quality' holds all of its checks (wall s from its log line): the "
        "whole-stage difference also carries the run-to-run noise of the other steps.",
        "",
        f"Machine: {desc}.",
        "",
        "| case | silver, gates | silver, suite | added | of which silver's measuring step "
        "(gates → suite) | gold, gates | gold, suite | added |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, s in rows:
        sg, ss = s[("gates", "silver")], s[("suite", "silver")]
        gg, gs = s[("gates", "gold")], s[("suite", "gold")]
        lines.append(
            f"| {case} | {cell(sg)} | {cell(ss)} | "
            f"{statistics.median(ss) - statistics.median(sg):+.1f} | "
            f"{cell(s[('gates', 'measuring')])} → {cell(s[('suite', 'measuring')])} | "
            f"{cell(gg)} | {cell(gs)} | "
            f"{statistics.median(gs) - statistics.median(gg):+.1f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
