"""
### Altaviz lake maintenance (`altaviz_maintenance`)

Weekly (Sunday 06:00 UTC, well after the daily medallion run) the `altaviz-maintenance` jar:

1. **OPTIMIZE**s every Delta table of the lake (bronze, silver, quarantine, gold, ops): the many
   small files that daily runs append are compacted, and tables with a `compressor_id` column
   are **Z-ordered** by it, so per-compressor reads (dashboard, ML) skip most files;
2. **VACUUM**s files no version of the last `ALTAVIZ_VACUUM_RETENTION_HOURS` (default 168 h =
   7 days, Delta's safety minimum) references.

Row contents never change; the run writes one `maintenance` row to `ops/pipeline_runs`, and its
OPTIMIZE commits carry the run id. After a VACUUM, time travel (`--input-version` replays) reaches
back only as far as the retention.

Delta's optimistic concurrency makes a collision with a pipeline run a failed commit that the
task retries, never a corrupt table; the schedule keeps them apart anyway. Trigger it manually at
any time (no data interval is involved). Failures notify like the medallion DAG's.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from airflow.sdk import DAG, CronTriggerTimetable

from altaviz_jobs import CONFIG, DEFAULT_ARGS, LAKE, spark_job

DAG_ID = "altaviz_maintenance"
RETENTION_HOURS = os.environ.get("ALTAVIZ_VACUUM_RETENTION_HOURS", "168")

with DAG(
    dag_id=DAG_ID,
    description="Weekly Delta OPTIMIZE (Z-order by compressor_id) and VACUUM of the lake",
    doc_md=__doc__,
    # A trigger timetable: maintenance acts on the lake as it is, not on a data interval.
    schedule=CronTriggerTimetable("0 6 * * 0", timezone="UTC"),
    start_date=datetime(2024, 2, 1, tzinfo=UTC),
    catchup=False,  # one maintenance pass covers every missed week
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["altaviz", "maintenance", "spark", "delta"],
) as dag:
    maintain = spark_job(
        "maintain",
        "maintenance",
        [
            "--run-id",
            "{{ run_id }}",
            "--config",
            CONFIG,
            "--lake",
            LAKE,
            "--retention-hours",
            RETENTION_HOURS,
        ],
    )


if __name__ == "__main__":
    dag.test()
