"""The uninterrupted reference the reliability and cluster tests compare with (fixture `chain`):
3 compressors x 2 days processed day by day by the shipped jars (in the warm driver,
conftest.run_stage), built once per pytest session and shared read-only by the xdist workers.
Registered as a plugin in tests/conftest.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import build_once, drop_at_session_end, warm_run
from reliability.support import (
    DAY1,
    DAY2,
    DIST,
    STAGES,
    Run,
    copy_lake,
    create_db,
    pg_settings,
    register_lake,
    simulate,
    stage_args,
)

RUN1 = "scheduled__2024-02-01T00:00:00+00:00"
RUN2 = "scheduled__2024-02-02T00:00:00+00:00"


@dataclass
class Chain:
    raw: Path
    snaps: dict[str, Path]  # "day1": after all of day 1; "<stage>": after that day-2 stage
    day2: dict[str, Run]  # the uninterrupted day-2 run of each stage
    pg: dict  # the shared server (scripts/pg.sh)
    db_day1: dict  # settings of the database after the day-1 export (a template)
    db_day2: dict  # ... after the day-2 export
    logs: Path


@pytest.fixture(scope="session")
def chain(request) -> Chain:
    """The uninterrupted reference: day 1 through all four stages, then day 2, with a snapshot
    of the lake after every day-2 stage and a PostgreSQL database after each day's export.
    Built once per test session: the xdist workers share it (read-only; the databases are
    templates, dropped when the session ends)."""
    missing = [j for j in ("simulator", *STAGES) if not (DIST / f"altaviz-{j}.jar").exists()]
    if missing:
        pytest.fail(f"jars not built: {missing}; run 'make build' (make test does)")
    pg = pg_settings()

    def build(base: Path) -> dict:
        logs = base / "logs"
        raw = base / "raw"
        simulate(raw, compressors=3, days=2, log_dir=logs)
        lake = register_lake(base / "lake")
        db_day1 = create_db(pg)
        drop_at_session_end(request.config, db_day1["ALTAVIZ_PG_DB"])
        for stage in STAGES:
            warm_run(
                stage,
                *stage_args(stage, raw, lake, DAY1, RUN1),
                env=db_day1 if stage == "export" else None,
            )
        snaps = {"day1": copy_lake(lake, base / "snaps" / "day1")}
        db_day2 = create_db(pg, template=db_day1["ALTAVIZ_PG_DB"])
        drop_at_session_end(request.config, db_day2["ALTAVIZ_PG_DB"])
        day2 = {}
        for stage in STAGES:
            day2[stage] = warm_run(
                stage,
                *stage_args(stage, raw, lake, DAY2, RUN2),
                env=db_day2 if stage == "export" else None,
            )
            snaps[stage] = copy_lake(lake, base / "snaps" / stage)
        print(
            "\nreference day-2 wall times: "
            + ", ".join(f"{s} {r.seconds:.1f} s" for s, r in day2.items())
        )
        return {
            "raw": str(raw),
            "lake": str(lake),
            "logs": str(logs),
            "snaps": {k: str(v) for k, v in snaps.items()},
            "day2": {k: {**vars(r), "args": list(map(str, r.args))} for k, r in day2.items()},
            "db_day1": db_day1["ALTAVIZ_PG_DB"],
            "db_day2": db_day2["ALTAVIZ_PG_DB"],
        }

    d = build_once(request.config, "reliability-chain", build)
    # values naming the reference lake or a snapshot normalize to '<lake>' in this process too
    for lake in (d["lake"], *d["snaps"].values()):
        register_lake(Path(lake))
    return Chain(
        Path(d["raw"]),
        {k: Path(v) for k, v in d["snaps"].items()},
        {k: Run(**{**r, "args": tuple(r["args"])}) for k, r in d["day2"].items()},
        pg,
        {**pg, "ALTAVIZ_PG_DB": d["db_day1"]},
        {**pg, "ALTAVIZ_PG_DB": d["db_day2"]},
        Path(d["logs"]),
    )
