"""
### Altaviz medallion pipeline (`altaviz_medallion`)

One run per UTC day: `bronze >> silver >> gold >> export`. Each task runs one stage's shaded jar
through `spark-submit` (connection `spark_default`, which names the master: `local[2]` for the
demo, `spark://…` on a cluster) with the run's data interval and run id:

    --start 2024-02-03T00:00:00+00:00 --end 2024-02-04T00:00:00+00:00
    --run-id scheduled__2024-02-04T00:00:00+00:00 --config … --raw … --lake …

`--start/--end` are `data_interval_start/end` as ISO-8601 with offset; the interval is half-open
`[start, end)`. The run id goes into every Delta commit and into the run ledger
`ops/pipeline_runs`, so `silver` reads exactly the bronze version `bronze` committed in the same
run (a cleared-and-rerun task gets the same run id and pins the same input).

**Which day a run processes.** The schedule is a daily *data-interval* timetable: the run with
logical date D processes day D and starts right after D ends, at 00:00 UTC of D+1 (which is why
Airflow 3 names it `scheduled__<D+1>`; a backfill run of D is `backfill__<D+1>`). A day without
raw data is a normal, successful run: bronze finds nothing new, silver and gold have nothing to
replace (silver's metrics record completeness 0), export upserts nothing.

**Run one given day**: `make airflow-run-day DAY=2024-02-03` (`scripts/airflow_run_day.py`), a
REST trigger with the day as its explicit data interval, run id `day__2024-02-03__<trigger
time>` and a note naming the interval; params as `start_from=silver skip_export=true`. In the
UI: *Trigger*, set the data interval start/end to 2024-02-03T00:00Z / 2024-02-04T00:00Z and leave
the logical date at now. A trigger with the interval left on "auto" processes the last complete
day *before* its logical date. **Not** `airflow dags trigger --logical-date D`: that run
processes D-1 and takes logical date D, which then blocks the scheduled or backfill run of D.

**Manual-trigger params** (the original guide's `--skip-*` options):
* `start_from` = `bronze` (default) | `silver` | `gold` | `export`: earlier stages are skipped,
  e.g. `silver` re-runs silver, gold and export on what bronze already holds (the guide's
  `--skip-bronze`; `gold` = `--skip-bronze --skip-silver`).
* `skip_export` = `true` leaves PostgreSQL untouched (the guide's `--skip-postgres`).
Skipped stages do not block the later ones (trigger rule `none_failed`).

**Backfill a date range.** UI: *Backfill* on the DAG page, *Max Active Runs* 1. CLI:
`airflow backfill create --dag-id altaviz_medallion --from-date 2024-02-01 --to-date 2024-02-07
--max-active-runs 1` (add `--reprocess-behavior completed` to redo days that already ran). Never
`--run-backwards`.

**Why one run at a time** (`max_active_runs=1`, and 1 for backfills, which Airflow 3 limits with
the backfill's own setting): silver and gold of day D re-read day D-1 (late-arrival lookback and
the 24 h feature windows) and replace that range, and each run pins the input versions its
upstream committed. Days must therefore run in order, one after another; two days in flight could
compute D's windows from a D-1 that is being rewritten. Delta's optimistic concurrency keeps every
table consistent even then (a conflicting commit fails and the task retries), and re-running the
days in order converges.

**Failures.** Stage exit codes: 1 unexpected, 2 bad input/usage (the message names the
file/option), 3 data-quality gate (see `ops/quality_metrics`, or
the run's quality report: the task log's `Quality report: <lake>/reports/<run>/index.html` line
names the page, written after success and after exit 3). Exit 1 (a server down, a lost
executor) is retried twice with exponential backoff (the first retry 2-4 min after the failure,
the second 4-8 min); exit 2 and 3 fail the task at once, since a retry reads the same pinned
inputs: fix the input, then *Clear* the task. Every attempt times out after 1 h. A task that
fails for good, and a run still unfinished 6 h after it was queued (Deadline Alert), notify the
operator: a POST to `$ALTAVIZ_ALERT_WEBHOOK` if set, else an
ERROR log line plus a row in PostgreSQL `pipeline_notifications` (connection
`altaviz_postgres`). The alert starts with the job's own error line (`altaviz-silver: error:
...`) and the exit code's meaning, and ends with the task log's address. In the task log the
job's WARN and ERROR lines are Airflow warnings and errors: filter the log by level to find them.

**Recover**: fix the cause, then *Clear* the failed task (with *Downstream*; UI, or
`POST /api/v2/dags/altaviz_medallion/clearTaskInstances`). The run keeps its run id, so each
stage pins the same inputs as before; the Deadline Alert moves to 6 h after the re-queue.
**Re-run from a stage** of a finished run: *Clear* that stage with *Downstream*, or run the day
again with `start_from`.

**Assets.** bronze, silver and gold declare their Delta tables as outlets
(`altaviz.bronze.sensor_readings`, `altaviz.silver.sensor_readings`, `altaviz.silver.quarantine`,
`altaviz.gold.sensor_features`): schedule an ML-training DAG on
`Asset.ref(name="altaviz.gold.sensor_features")`.

**Debug one stage** outside Airflow with the same arguments:
`scripts/spark-submit.sh silver --start … --end … --run-id <run id of the Airflow run>`.

**Settings** (environment of the DAG processor, read at parse time; nothing else is read then;
see `altaviz_jobs.py`): `ALTAVIZ_JAR_DIR`, `ALTAVIZ_CONFIG`, `ALTAVIZ_RAW`, `ALTAVIZ_LAKE`,
`ALTAVIZ_LOG4J`, `ALTAVIZ_DRIVER_MEMORY`. The Spark master is the `spark_default` connection's;
export's PostgreSQL settings come from the connection `altaviz_postgres` at run time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import (
    DAG,
    Asset,
    CronDataIntervalTimetable,
    DeadlineAlert,
    DeadlineReference,
    Param,
    SyncCallback,
)
from airflow.sdk.exceptions import AirflowSkipException

from altaviz_jobs import CONFIG, DEFAULT_ARGS, LAKE, RAW, spark_job
from altaviz_notify import POSTGRES_CONN_ID, on_deadline_missed

DAG_ID = "altaviz_medallion"
STAGES = ("bronze", "silver", "gold", "export")
DEADLINE_SECONDS = timedelta(hours=6).total_seconds()

# The run's interval and id; the paths are fixed per deployment (altaviz_jobs).
STAGE_ARGS = [
    "--start",
    "{{ data_interval_start.isoformat() }}",
    "--end",
    "{{ data_interval_end.isoformat() }}",
    "--run-id",
    "{{ run_id }}",
    "--config",
    CONFIG,
    "--raw",
    RAW,
    "--lake",
    LAKE,
]


def lake_asset(table: str) -> Asset:
    """A lake table as an Asset, identified by name only (its URI is the name): the identity
    must not follow the deployment's lake location, because Airflow refuses to run a task whose
    outlet clashes by name with an asset registered under another URI."""
    return Asset(
        name=f"altaviz.{table.replace('/', '.')}",
        group="altaviz-lake",
        extra={"format": "delta", "table": table},
    )


BRONZE_READINGS = lake_asset("bronze/sensor_readings")
SILVER_READINGS = lake_asset("silver/sensor_readings")
QUARANTINE = lake_asset("silver/quarantine")
GOLD_FEATURES = lake_asset("gold/sensor_features")


def skip_unselected_stage(context) -> None:
    """pre_execute hook: honours the manual-trigger params ``start_from`` and ``skip_export``."""
    stage = context["task"].task_id
    params = context["params"]
    start_from = params["start_from"]
    if STAGES.index(stage) < STAGES.index(start_from):
        raise AirflowSkipException(f"start_from={start_from}: {stage} is not re-run")
    if stage == "export" and params["skip_export"]:
        raise AirflowSkipException("skip_export=true: PostgreSQL is left unchanged")


def postgres_env(conn_id: str = POSTGRES_CONN_ID) -> dict[str, str]:
    """The export jar's ALTAVIZ_PG_* environment from the Airflow connection, looked up at run
    time only (never rendered into the DAG).

    Where the password ends up depends on the Spark master. On a local or standalone master
    (client deploy mode) SparkSubmitOperator hands ``env_vars`` to the spark-submit process's
    environment: the password is never on a command line. On YARN and Kubernetes it turns each
    of them into a ``--conf spark.yarn.appMasterEnv.<name>=<value>`` or ``--conf
    spark.kubernetes.driverEnv.<name>=<value>`` argument: the password would be on
    spark-submit's command line, readable by anyone who can list the worker's processes
    (Airflow masks it only in the task log, Spark in its UI). There, mount the password as a
    file into the driver (a Kubernetes secret volume, a file YARN localizes from a protected
    location) and set the connection's extra to ``{"password_file": "<path in the driver>"}``:
    the job then gets only ``ALTAVIZ_PG_PASSWORD_FILE=<path>`` and reads the password from that
    file, and the connection's own password, if any, is not passed on."""
    from airflow.sdk import BaseHook

    conn = BaseHook.get_connection(conn_id)
    env = {
        "ALTAVIZ_PG_HOST": conn.host or "localhost",
        "ALTAVIZ_PG_PORT": str(conn.port or 5432),
        "ALTAVIZ_PG_DB": conn.schema or "compressor_health",
        "ALTAVIZ_PG_USER": conn.login or "postgres",
    }
    password_file = (conn.extra_dejson or {}).get("password_file")
    if password_file:
        env["ALTAVIZ_PG_PASSWORD_FILE"] = str(password_file)
    elif conn.password:
        env["ALTAVIZ_PG_PASSWORD"] = conn.password
    return env


def prepare_export(context) -> None:
    """pre_execute hook of export: the skip params first (a skipped export needs no database),
    then the connection."""
    skip_unselected_stage(context)
    context["task"].env_vars = postgres_env()


def stage_task(stage: str, pre_execute=skip_unselected_stage, **kwargs):
    """The stage's jar with the run's interval and run id."""
    return spark_job(stage, stage, STAGE_ARGS, pre_execute=pre_execute, **kwargs)


with DAG(
    dag_id=DAG_ID,
    description="Raw readings -> bronze -> silver -> gold -> PostgreSQL, one UTC day per run",
    doc_md=__doc__,
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2024, 2, 1, tzinfo=UTC),
    catchup=False,  # history is loaded with Airflow 3 backfills, not by the scheduler
    max_active_runs=1,  # see "Why one run at a time" above
    default_args=DEFAULT_ARGS,
    params={
        "start_from": Param(
            "bronze",
            type="string",
            enum=list(STAGES),
            title="Start from stage",
            description="Skip the stages before it (the guide's --skip-bronze, --skip-silver).",
        ),
        "skip_export": Param(
            False,
            type="boolean",
            title="Skip the PostgreSQL export",
            description="Leave PostgreSQL unchanged (the guide's --skip-postgres).",
        ),
    },
    # The day's data in PostgreSQL within 6 h of the run being queued (a scheduled run is
    # queued as its day ends). Queued-at rather than logical date: a backfill of an old day
    # would otherwise miss its deadline the moment it is created.
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        # In seconds, not a timedelta: clearing a task re-queues the run and Airflow 3.3.2 then
        # moves a queued-at deadline with timedelta(seconds=<stored interval>), which fails
        # (HTTP 500 on Clear) for the serialized timedelta a timedelta is stored as; a number is
        # stored as such and read back as a timedelta everywhere else. Tested through the REST
        # API in tests/test_dags.py (test_a_failed_task_is_cleared_through_the_rest_api).
        interval=DEADLINE_SECONDS,
        callback=SyncCallback(on_deadline_missed),
        name="altaviz_medallion_6h",
    ),
    tags=["altaviz", "medallion", "spark", "delta"],
) as dag:
    bronze = stage_task("bronze", outlets=[BRONZE_READINGS])
    # none_failed: a stage skipped by start_from does not block the ones after it.
    silver = stage_task("silver", outlets=[SILVER_READINGS, QUARANTINE], trigger_rule="none_failed")
    gold = stage_task("gold", outlets=[GOLD_FEATURES], trigger_rule="none_failed")
    export = stage_task("export", pre_execute=prepare_export, trigger_rule="none_failed")

    bronze >> silver >> gold >> export


if __name__ == "__main__":
    # Airflow 3.3.2's dag.test() crashes when a run of a DAG with a deadline succeeds
    # (apache/airflow#73428); the alert only matters to the scheduler, so test without it.
    dag.deadline = None
    dag.test()
