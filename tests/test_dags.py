"""DAG tests that need no stage jar: import, structure, rendering, callbacks, and dag.test() runs of
the skip params and of the failure path. Real Airflow from .venv with its own AIRFLOW_HOME and
SQLite metadata DB (airflow_harness); notifications go to a scratch database on the real PostgreSQL
server. The jar-running end-to-end tests are in test_dag_e2e.py."""

from __future__ import annotations

import airflow_harness as h  # first: configures Airflow before anything imports it

# isort: split

import ast
import importlib.util
import io
import json
import sys
import threading
from contextlib import redirect_stdout
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from itertools import pairwise
from pathlib import Path

import pytest

MEDALLION = "altaviz_medallion"
MAINTENANCE = "altaviz_maintenance"
STAGES = ["bronze", "silver", "gold", "export"]
PATH_ENV = {
    "ALTAVIZ_JAR_DIR": "/srv/altaviz/jars",
    "ALTAVIZ_CONFIG": "/srv/altaviz/etl_config.yaml",
    "ALTAVIZ_RAW": "/srv/altaviz/raw",
    "ALTAVIZ_LAKE": "/srv/altaviz/lake",
    "ALTAVIZ_LOG4J": "/srv/altaviz/log4j2.properties",
    "ALTAVIZ_DRIVER_MEMORY": "3g",
}


@pytest.fixture(scope="module", autouse=True)
def airflow_db():
    return h.init_db()


@pytest.fixture
def deployment(monkeypatch):
    """The DAG processor's environment of a deployment (parse-time settings)."""
    for k, v in PATH_ENV.items():
        monkeypatch.setenv(k, v)
    return PATH_ENV


@pytest.fixture
def medallion(deployment):
    return h.parse_dags().get_dag(MEDALLION)


@pytest.fixture
def maintenance(deployment):
    return h.parse_dags().get_dag(MAINTENANCE)


# --- import -------------------------------------------------------------------------------


def test_every_dag_file_imports_without_errors_and_without_lookups(monkeypatch):
    for k in [*PATH_ENV, "ALTAVIZ_VACUUM_RETENTION_HOURS"]:
        monkeypatch.delenv(k, raising=False)  # defaults only: parsing needs no settings either
    h.LOOKUPS.clear()

    bag = h.parse_dags()

    assert bag.import_errors == {}
    assert sorted(bag.dag_ids) == [MAINTENANCE, MEDALLION]
    # no connection or variable was asked for (RecordingSecretsBackend sees every lookup first)
    assert h.LOOKUPS == []
    # ... and it would have seen one
    from airflow.sdk import BaseHook

    with pytest.raises(Exception, match="altaviz_probe"):
        BaseHook.get_connection("altaviz_probe")
    assert h.LOOKUPS == [("connection", "altaviz_probe")]
    # the helper modules are not parsed as DAG files
    assert sorted(Path(f).name for f in bag.file_last_changed) == [
        "altaviz_maintenance.py",
        "altaviz_medallion.py",
    ]


FORBIDDEN_AT_TOP_LEVEL = {
    "BaseHook",
    "Variable",
    "Connection",
    "PostgresHook",
    "get_connection",
    "open",
    "urlopen",
    "read_text",
    "read_bytes",
    "listdir",
    "glob",
}


def _top_level_names(tree: ast.AST) -> set[str]:
    """Names and attributes used outside function bodies, i.e. executed when parsed."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for d in getattr(node, "decorator_list", []):
                visit(d)
            return
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("path", sorted(h.DAGS.glob("*.py")), ids=lambda p: p.name)
def test_dag_files_do_no_lookup_or_io_when_parsed(path):
    used = _top_level_names(ast.parse(path.read_text()))
    assert used & FORBIDDEN_AT_TOP_LEVEL == set()


# --- medallion structure ---------------------------------------------------------------------


def test_medallion_runs_the_four_stages_in_order(medallion):
    assert [t.task_id for t in medallion.topological_sort()] == STAGES
    for up, down in pairwise(STAGES):
        assert medallion.get_task(up).downstream_task_ids == {down}
    assert medallion.get_task("bronze").upstream_task_ids == set()
    assert medallion.get_task("bronze").trigger_rule == "all_success"
    for stage in STAGES[1:]:
        # a stage skipped through start_from must not block the later ones
        assert medallion.get_task(stage).trigger_rule == "none_failed"


def test_medallion_schedule_and_run_policy(medallion):
    from airflow.sdk import CronDataIntervalTimetable

    assert isinstance(medallion.timetable, CronDataIntervalTimetable)
    timetable = medallion.timetable
    assert (timetable.expression, str(timetable.timezone)) == ("0 0 * * *", "UTC")
    assert medallion.start_date == datetime(2024, 2, 1, tzinfo=UTC)
    assert medallion.catchup is False
    assert medallion.max_active_runs == 1
    assert medallion.tags == {"altaviz", "medallion", "spark", "delta"}
    assert medallion.owner == "data-platform"
    docstring = ast.parse((h.DAGS / "altaviz_medallion.py").read_text()).body[0].value.value
    assert medallion.doc_md == docstring and "airflow backfill create" in docstring


def test_medallion_tasks_retry_with_backoff_and_alert_on_failure(medallion):
    from altaviz_notify import on_task_failure

    for task in medallion.tasks:
        assert task.retries == 2
        assert task.retry_delay == timedelta(minutes=2)
        assert task.retry_exponential_backoff == 2.0
        assert task.max_retry_delay == timedelta(minutes=30)
        assert task.execution_timeout == timedelta(hours=1)
        assert task.owner == "data-platform"
        assert task.on_failure_callback == [on_task_failure]


def test_every_stage_is_a_spark_submit_of_its_jar(medallion):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    for stage in STAGES:
        task = medallion.get_task(stage)
        assert isinstance(task, SparkSubmitOperator)
        assert task._conn_id == "spark_default"
        assert task.application == f"/srv/altaviz/jars/altaviz-{stage}.jar"
        assert task._driver_memory == "3g"
        assert task.conf == {
            "spark.driver.extraJavaOptions": (
                "-Dlog4j2.configurationFile=file:/srv/altaviz/log4j2.properties"
                " -XX:SharedArchiveFile=/srv/altaviz/jars/spark-classes.jsa"
                " -Xlog:cds=off,cds+dynamic=off"
                + {
                    "export": " -XX:TieredStopAtLevel=1",
                    "gold": " -XX:-DontCompileHugeMethods",
                }.get(stage, "")
            ),
            "spark.ui.showConsoleProgress": "false",
        }
        assert task.application_args == [
            "--start",
            "{{ data_interval_start.isoformat() }}",
            "--end",
            "{{ data_interval_end.isoformat() }}",
            "--run-id",
            "{{ run_id }}",
            "--config",
            "/srv/altaviz/etl_config.yaml",
            "--raw",
            "/srv/altaviz/raw",
            "--lake",
            "/srv/altaviz/lake",
        ]
        # credentials are looked up at run time (pre_execute), never rendered into the DAG
        assert task.env_vars is None


def test_task_ids_equal_their_variable_names(deployment):
    spec = importlib.util.spec_from_file_location(
        "medallion_under_test", h.DAGS / "altaviz_medallion.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.DAG_ID == MEDALLION == module.dag.dag_id
    for task in module.dag.tasks:
        assert getattr(module, task.task_id) is task


def test_lake_tables_are_asset_outlets(medallion):
    outlets = {
        t.task_id: [(a.name, a.uri, a.extra["table"]) for a in t.outlets] for t in medallion.tasks
    }
    assert outlets == {
        "bronze": [
            (
                "altaviz.bronze.sensor_readings",
                "altaviz.bronze.sensor_readings",
                "bronze/sensor_readings",
            )
        ],
        "silver": [
            (
                "altaviz.silver.sensor_readings",
                "altaviz.silver.sensor_readings",
                "silver/sensor_readings",
            ),
            ("altaviz.silver.quarantine", "altaviz.silver.quarantine", "silver/quarantine"),
        ],
        "gold": [
            ("altaviz.gold.sensor_features", "altaviz.gold.sensor_features", "gold/sensor_features")
        ],
        "export": [],
    }


def test_asset_identity_does_not_depend_on_the_lake_location(medallion, monkeypatch):
    monkeypatch.setenv("ALTAVIZ_LAKE", "s3a://elsewhere/lake")
    moved = h.parse_dags().get_dag(MEDALLION)
    assert [a for t in moved.tasks for a in t.outlets] == [
        a for t in medallion.tasks for a in t.outlets
    ]


def test_manual_trigger_params(medallion):
    params = medallion.params
    assert params["start_from"] == "bronze"
    assert params.get_param("start_from").schema["enum"] == STAGES
    assert params["skip_export"] is False
    assert params.get_param("skip_export").schema["type"] == "boolean"


def test_deadline_alert_six_hours_after_queued(medallion):
    from airflow.sdk import DeadlineReference, SyncCallback
    from airflow.serialization.serialized_objects import DagSerialization

    (alert,) = medallion.deadline
    assert alert.reference == DeadlineReference.DAGRUN_QUEUED_AT
    assert alert.interval == timedelta(hours=6).total_seconds()  # seconds: see the DAG file
    assert isinstance(alert.callback, SyncCallback)
    assert alert.callback.path == "altaviz_notify.on_deadline_missed"
    # survives serialization, i.e. reaches the scheduler
    data = DagSerialization.to_dict(medallion)
    assert "altaviz_notify.on_deadline_missed" in json.dumps(data["dag"]["deadline"])


# --- rendering ---------------------------------------------------------------------------------


def _scheduled_run(dag_id: str, logical: datetime) -> str:
    """Creates the run the scheduler (or a backfill) creates for ``logical``; returns its id."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import sync_bag_to_db
    from airflow.models.dagbag import DBDagBag
    from airflow.models.dagrun import DagRun
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import DataInterval, TimeRestriction
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState
    from airflow.utils.types import DagRunTriggeredByType, DagRunType

    DagBundlesManager().sync_bundles_to_db()
    sync_bag_to_db(h.parse_dags(), h.BUNDLE, None)
    with create_session() as session:
        dag = DBDagBag().get_latest_version_of_dag(dag_id, session=session)
        timetable = coerce_to_core_timetable(dag.timetable)
        info = timetable.next_dagrun_info(
            last_automated_data_interval=DataInterval(logical - timedelta(days=1), logical),
            restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
        )
        assert info.logical_date == logical
        run_id = timetable.generate_run_id(
            run_type=DagRunType.SCHEDULED,
            run_after=info.run_after,
            data_interval=info.data_interval,
        )
        if not session.query(DagRun).filter_by(dag_id=dag_id, run_id=run_id).count():
            dag.create_dagrun(
                run_id=run_id,
                logical_date=info.logical_date,
                data_interval=info.data_interval,
                run_after=info.run_after,
                run_type=DagRunType.SCHEDULED,
                state=DagRunState.QUEUED,
                triggered_by=DagRunTriggeredByType.TIMETABLE,
                session=session,
            )
    return run_id


def _render(dag_id: str, task_id: str, logical_date: str) -> dict[str, str]:
    """`airflow tasks render <dag> <task> <logical date>`, run in-process: Airflow's own CLI
    rendering of an existing run. Returns the printed template fields."""
    from airflow.cli import cli_parser

    args = cli_parser.get_parser().parse_args(["tasks", "render", dag_id, task_id, logical_date])
    out = io.StringIO()
    with redirect_stdout(out):
        args.func(args)
    fields, name = {}, None
    for line in out.getvalue().splitlines():
        if line.startswith("# property: "):
            name = line.removeprefix("# property: ").strip()
        elif name and line and not line.startswith("# ---"):
            fields[name] = line
            name = None
    return fields


def test_scheduled_run_of_2024_02_03_renders_that_utc_day(medallion):
    """Format of the interval arguments: ISO-8601 with an explicit +00:00 offset, from
    data_interval_start/end; the run with logical date D covers [D, D+1). Airflow 3 names a
    scheduled run after the time it may start (the interval's end), hence 2024-02-04 in its id."""
    run_id = _scheduled_run(MEDALLION, datetime(2024, 2, 3, tzinfo=UTC))
    assert run_id == "scheduled__2024-02-04T00:00:00+00:00"

    for stage in STAGES:
        rendered = _render(MEDALLION, stage, "2024-02-03")
        assert ast.literal_eval(rendered["application_args"]) == [
            "--start",
            "2024-02-03T00:00:00+00:00",
            "--end",
            "2024-02-04T00:00:00+00:00",
            "--run-id",
            "scheduled__2024-02-04T00:00:00+00:00",
            "--config",
            "/srv/altaviz/etl_config.yaml",
            "--raw",
            "/srv/altaviz/raw",
            "--lake",
            "/srv/altaviz/lake",
        ]
        assert rendered["application"] == f"/srv/altaviz/jars/altaviz-{stage}.jar"


# --- operating through the REST API -----------------------------------------------------------


@pytest.fixture(scope="module")
def api():
    """Airflow's REST API (the api-server's FastAPI app, as `airflow api-server` serves it) in a
    test client; every caller is an admin, as a logged-in operator is."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "True")
        from airflow.api_fastapi.app import create_app
        from fastapi.testclient import TestClient

        yield TestClient(create_app())


def _run_and_deadline(run_id: str):
    """(DagRun, its one unmissed Deadline) from the metadata DB."""
    from airflow.models.dagrun import DagRun
    from airflow.models.deadline import Deadline
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        dr = session.scalars(
            select(DagRun).where(DagRun.dag_id == MEDALLION, DagRun.run_id == run_id)
        ).one()
        (deadline,) = session.scalars(select(Deadline).where(Deadline.dagrun_id == dr.id)).all()
        session.expunge_all()
        return dr, deadline


def test_a_failed_task_is_cleared_through_the_rest_api_and_its_deadline_moves(medallion, api):
    """What the failure alert asks the operator to do: Clear the failed task (UI or REST, with
    the defaults: the run is reset too). The DAG's Deadline Alert stays in place and moves with
    the run's new queued time."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import DagRunState, TaskInstanceState
    from sqlalchemy import select, update

    run_id = _scheduled_run(MEDALLION, datetime(2024, 2, 9, tzinfo=UTC))
    dr, deadline = _run_and_deadline(run_id)
    assert deadline.deadline_time == dr.queued_at + timedelta(hours=6)
    with create_session() as session:  # bronze failed for good; the run failed with it
        for task_id, state in [
            ("bronze", TaskInstanceState.FAILED),
            *((s, TaskInstanceState.UPSTREAM_FAILED) for s in STAGES[1:]),
        ]:
            session.execute(
                update(TaskInstance)
                .where(
                    TaskInstance.dag_id == MEDALLION,
                    TaskInstance.run_id == run_id,
                    TaskInstance.task_id == task_id,
                )
                .values(state=state)
            )
        session.execute(
            update(DagRun).where(DagRun.run_id == run_id).values(state=DagRunState.FAILED)
        )

    response = api.post(
        f"/api/v2/dags/{MEDALLION}/clearTaskInstances",
        json={
            "dag_run_id": run_id,
            "task_ids": ["bronze"],
            "dry_run": False,
            "include_downstream": True,
        },
    )

    assert response.status_code == 200, response.text
    assert sorted(ti["task_id"] for ti in response.json()["task_instances"]) == sorted(STAGES)
    cleared, moved = _run_and_deadline(run_id)
    assert str(cleared.state) == "queued"
    assert cleared.queued_at > dr.queued_at
    assert moved.deadline_time > deadline.deadline_time
    # Airflow takes the clear's time for the deadline, then stamps queued_at once more
    assert abs(moved.deadline_time - (cleared.queued_at + timedelta(hours=6))) < timedelta(
        seconds=5
    )
    assert moved.missed is False
    with create_session() as session:
        states = dict(
            session.execute(
                select(TaskInstance.task_id, TaskInstance.state).where(
                    TaskInstance.dag_id == MEDALLION, TaskInstance.run_id == run_id
                )
            ).all()
        )
    assert states == {s: None for s in STAGES}


def test_the_run_day_helper_processes_that_day_and_leaves_its_scheduled_run_possible(
    medallion, api
):
    sys.path.insert(0, str(h.ROOT / "scripts"))
    try:
        from airflow_run_day import parse_conf, run_request
    finally:
        sys.path.pop(0)
    now = datetime(2026, 12, 2, 14, 30, 5, 123456, tzinfo=UTC)
    body = run_request(
        date(2024, 2, 10), parse_conf(["start_from=silver", "skip_export=true"]), now
    )
    _scheduled_run(MEDALLION, datetime(2024, 2, 1, tzinfo=UTC))  # the DAG in the metadata DB

    response = api.post(f"/api/v2/dags/{MEDALLION}/dagRuns", json=body)

    assert response.status_code == 200, response.text
    run = response.json()
    assert run["dag_run_id"] == "day__2024-02-10__20261202T143005"
    assert (run["data_interval_start"], run["data_interval_end"]) == (
        "2024-02-10T00:00:00Z",
        "2024-02-11T00:00:00Z",
    )
    assert run["conf"] == {"start_from": "silver", "skip_export": True}
    assert run["note"].startswith(
        "UTC day 2024-02-10: data interval [2024-02-10T00:00:00+00:00, 2024-02-11T00:00:00+00:00)"
    )
    # the day's scheduled (or backfill) run is not blocked: its logical date is still free
    assert (
        _scheduled_run(MEDALLION, datetime(2024, 2, 10, tzinfo=UTC))
        == "scheduled__2024-02-11T00:00:00+00:00"
    )
    # a second run of the same day is possible too (another id, another logical date)
    again = api.post(
        f"/api/v2/dags/{MEDALLION}/dagRuns",
        json=run_request(date(2024, 2, 10), {}, now + timedelta(minutes=5)),
    )
    assert again.status_code == 200, again.text
    assert again.json()["dag_run_id"] == "day__2024-02-10__20261202T143505"


# --- job output in the task log and in the alert ------------------------------------------------

JOB_OUTPUT = """\
Ivy Default Cache set to: /root/.ivy2/cache
2024-02-04 00:00:07 INFO  altaviz.silver - Processed range [2024-02-02, 2024-02-04)
2024-02-04 00:00:08 WARN  org.apache.spark.util.Utils - Service 'SparkUI' could not bind on port 4040.
2024-02-04 00:00:09 ERROR altaviz.silver - rule 'schema' failed
java.lang.IllegalStateException: boom
\tat com.altaviz.etl.silver.SilverJob.execute(SilverJob.java:99)
Caused by: java.io.IOException: disk
\tat java.base/java.io.File.open(File.java:1)
altaviz-silver: error: input table /lake/bronze/sensor_readings does not exist; run bronze first
Try 'altaviz-silver --help' for the options.
"""  # noqa: E501  (verbatim job output: the Spark WARN line is longer than 100)


def test_the_task_log_keeps_the_jobs_log_levels_and_the_alert_names_its_error(
    medallion, monkeypatch
):
    from structlog.testing import capture_logs

    from altaviz_jobs import StageSubmitHook

    monkeypatch.setenv("AIRFLOW_CONN_SPARK_DEFAULT", '{"conn_type": "spark", "host": "local[2]"}')
    hook = StageSubmitHook(conn_id="spark_default")
    hook.job_error = None
    with capture_logs() as records:  # what the task's structlog logger receives
        hook._process_spark_submit_log(iter(JOB_OUTPUT.splitlines(keepends=True)))

    assert [r["event"] for r in records] == JOB_OUTPUT.rstrip().split("\n")
    assert [r["log_level"] for r in records] == [
        "info",  # spark-submit's own line
        "info",
        "warning",
        "error",  # log4j records at their level
        "error",
        "error",
        "error",
        "error",  # the ERROR record's stack trace
        "error",  # the job's one-line error
        "info",  # a plain line again
    ]
    assert hook.job_error == (
        "altaviz-silver: error: input table /lake/bronze/sensor_readings "
        "does not exist; run bronze first"
    )


# --- maintenance DAG -------------------------------------------------------------------------


def test_maintenance_dag_compacts_and_vacuums_weekly(maintenance, monkeypatch):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
    from airflow.sdk import CronTriggerTimetable

    assert isinstance(maintenance.timetable, CronTriggerTimetable)
    timetable = maintenance.timetable
    assert (timetable.expression, str(timetable.timezone)) == ("0 6 * * 0", "UTC")  # Sun 06:00
    assert maintenance.catchup is False and maintenance.max_active_runs == 1
    assert maintenance.tags == {"altaviz", "maintenance", "spark", "delta"}
    assert "VACUUM" in maintenance.doc_md and "Z-order" in maintenance.doc_md
    (task,) = maintenance.tasks
    assert task.task_id == "maintain" and isinstance(task, SparkSubmitOperator)
    assert task.application == "/srv/altaviz/jars/altaviz-maintenance.jar"
    assert task.application_args == [
        "--run-id",
        "{{ run_id }}",
        "--config",
        "/srv/altaviz/etl_config.yaml",
        "--lake",
        "/srv/altaviz/lake",
        "--retention-hours",
        "168",
    ]
    assert task.retries == 2 and task.owner == "data-platform"

    monkeypatch.setenv("ALTAVIZ_VACUUM_RETENTION_HOURS", "336")
    task = h.parse_dags().get_dag(MAINTENANCE).get_task("maintain")
    assert task.application_args[-2:] == ["--retention-hours", "336"]


# --- notifications -----------------------------------------------------------------------------


@pytest.fixture
def scratch_pg(monkeypatch):
    with h.scratch_database() as pg:
        monkeypatch.setenv("AIRFLOW_CONN_ALTAVIZ_POSTGRES", pg["AIRFLOW_CONN_ALTAVIZ_POSTGRES"])
        monkeypatch.delenv("ALTAVIZ_ALERT_WEBHOOK", raising=False)
        yield pg


def _notifications(pg) -> list[tuple]:
    return h.query(
        pg["ALTAVIZ_PG_DB"],
        "SELECT dag_id, run_id, task_id, kind, message FROM pipeline_notifications ORDER BY id",
    )


def test_a_missed_deadline_is_recorded_through_airflows_callback_runner(scratch_pg):
    """The SyncCallback is executed the way the executor runs it, with the context the
    scheduler builds when a deadline passes (Deadline.handle_miss)."""
    import structlog
    from airflow.sdk.execution_time.callback_supervisor import execute_callback

    context = {
        "dag_run": {
            "dag_id": MEDALLION,
            "dag_run_id": "scheduled__2024-02-03T00:00:00+00:00",
            "data_interval_start": "2024-02-03T00:00:00Z",
            "data_interval_end": "2024-02-04T00:00:00Z",
            "queued_at": "2024-02-04T00:00:05Z",
            "state": "running",
        },
        "deadline": {"id": "0193", "deadline_time": "2024-02-04T06:00:05Z"},
    }
    ok, error = execute_callback(
        "altaviz_notify.on_deadline_missed",
        {"context": context},
        dag_rel_path="altaviz_medallion.py",
        bundle_path=h.DAGS,
        log=structlog.get_logger(),
    )

    assert (ok, error) == (True, None)
    assert _notifications(scratch_pg) == [
        (
            MEDALLION,
            "scheduled__2024-02-03T00:00:00+00:00",
            None,
            "deadline_missed",
            "run scheduled__2024-02-03T00:00:00+00:00 (data interval 2024-02-03T00:00:00Z to "
            "2024-02-04T00:00:00Z, queued 2024-02-04T00:00:05Z) was not finished by its deadline "
            "2024-02-04T06:00:05Z; state: running",
        )
    ]


class _Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_configured_webhook_receives_the_alert_instead_of_postgres(scratch_pg, monkeypatch):
    from altaviz_notify import Notification, notify

    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Hook.received.clear()
    monkeypatch.setenv("ALTAVIZ_ALERT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/alerts")
    try:
        channel = notify(Notification(MEDALLION, "r1", "gold", "task_failure", "gold failed"))
    finally:
        server.shutdown()

    assert channel == "webhook"
    assert _Hook.received == [
        (
            "application/json",
            {
                "dag_id": MEDALLION,
                "run_id": "r1",
                "task_id": "gold",
                "kind": "task_failure",
                "message": "gold failed",
            },
        )
    ]
    assert h.query(scratch_pg["ALTAVIZ_PG_DB"], "SELECT to_regclass('pipeline_notifications')") == [
        (None,)
    ]


def test_an_unreachable_webhook_falls_back_to_postgres(scratch_pg, monkeypatch):
    from altaviz_notify import Notification, notify

    server = HTTPServer(("127.0.0.1", 0), _Hook)
    port = server.server_port
    server.server_close()  # nothing listens there any more
    monkeypatch.setenv("ALTAVIZ_ALERT_WEBHOOK", f"http://127.0.0.1:{port}/alerts")

    channel = notify(Notification(MEDALLION, "r2", "export", "task_failure", "export failed"))

    assert channel == "postgres"
    assert _notifications(scratch_pg) == [
        (MEDALLION, "r2", "export", "task_failure", "export failed")
    ]


def test_the_export_gets_a_password_file_path_instead_of_the_password_when_configured(
    deployment, monkeypatch
):
    """On YARN/Kubernetes env_vars become --conf arguments: a connection whose extra names a
    password file passes only that path (ALTAVIZ_PG_PASSWORD_FILE), never the password."""
    monkeypatch.syspath_prepend(str(h.DAGS))
    spec = importlib.util.spec_from_file_location(
        "medallion_pg_env", h.DAGS / "altaviz_medallion.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    conn = {
        "conn_type": "postgres",
        "host": "db",
        "port": 5433,
        "schema": "ch",
        "login": "etl",
        "password": "s3cret",
    }
    monkeypatch.setenv("AIRFLOW_CONN_ALTAVIZ_POSTGRES", json.dumps(conn))
    assert module.postgres_env() == {
        "ALTAVIZ_PG_HOST": "db",
        "ALTAVIZ_PG_PORT": "5433",
        "ALTAVIZ_PG_DB": "ch",
        "ALTAVIZ_PG_USER": "etl",
        "ALTAVIZ_PG_PASSWORD": "s3cret",
    }
    conn["extra"] = {"password_file": "/var/run/secrets/altaviz/pg-password"}
    monkeypatch.setenv("AIRFLOW_CONN_ALTAVIZ_POSTGRES", json.dumps(conn))
    assert module.postgres_env() == {
        "ALTAVIZ_PG_HOST": "db",
        "ALTAVIZ_PG_PORT": "5433",
        "ALTAVIZ_PG_DB": "ch",
        "ALTAVIZ_PG_USER": "etl",
        "ALTAVIZ_PG_PASSWORD_FILE": "/var/run/secrets/altaviz/pg-password",
    }


def test_failure_message_explains_the_stage_exit_code():
    from altaviz_notify import failure_message

    error = RuntimeError(
        "Cannot execute: spark-submit --master local[2] "
        "/jars/altaviz-silver.jar --start x. Error code is: 3."
    )
    assert failure_message("silver", 3, error, "http://airflow/log") == (
        "task silver failed after 3 attempt(s): Cannot execute: spark-submit --master local[2] "
        "/jars/altaviz-silver.jar --start x. Error code is: 3. | exit 3 = data-quality gate "
        "failed: see ops/quality_metrics and silver/quarantine | log: http://airflow/log"
    )

    # as StageSubmitHook raises it: the job's error line and the exit code's meaning first
    error = RuntimeError(
        "altaviz-silver: error: silver quality gate failed: completeness 0.10 < "
        "0.50 | exit 3 = data-quality gate failed: see ops/quality_metrics and "
        "silver/quarantine | Cannot execute: spark-submit x. Error code is: 3."
    )
    assert failure_message("silver", 1, error, "http://airflow/log") == (
        "task silver failed after 1 attempt(s): altaviz-silver: error: silver quality gate "
        "failed: completeness 0.10 < 0.50 | exit 3 = data-quality gate failed: see "
        "ops/quality_metrics and silver/quarantine | Cannot execute: spark-submit x. Error code "
        "is: 3. | log: http://airflow/log"
    )


# --- dag.test() runs that need no jar ----------------------------------------------------------


def test_params_skip_stages_without_spark_or_postgres(deployment, monkeypatch):
    """start_from=export + skip_export: every stage skipped, the run still succeeds, and the
    skipped export never looks up its PostgreSQL connection (none is defined here)."""
    monkeypatch.delenv("AIRFLOW_CONN_ALTAVIZ_POSTGRES", raising=False)
    dag = h.parse_dags().get_dag(MEDALLION)
    h.LOOKUPS.clear()

    dr = h.run_day(dag, date(2024, 2, 3), conf={"start_from": "export", "skip_export": True})

    assert str(dr.state) == "success"
    assert h.task_states(dr) == {s: ("skipped", 1) for s in STAGES}
    assert ("connection", "altaviz_postgres") not in h.LOOKUPS


def test_a_failing_stage_retries_as_configured_then_notifies(scratch_pg, monkeypatch, tmp_path):
    """spark-submit fails (no jar where ALTAVIZ_JAR_DIR points): bronze is tried 1 + retries
    times, fails, the later stages are upstream_failed, and the alert lands in PostgreSQL."""
    for k, v in {**h.spark_env(), **PATH_ENV, "ALTAVIZ_JAR_DIR": str(tmp_path / "no-jars")}.items():
        monkeypatch.setenv(k, v)
    dag = h.parse_dags().get_dag(MEDALLION)
    for task in dag.tasks:  # production backoff, minus the minutes of waiting
        task.retry_delay = timedelta(0)

    dr = h.run_day(dag, date(2024, 2, 3))

    assert str(dr.state) == "failed"
    assert h.task_states(dr) == {
        "bronze": ("failed", 3),
        "silver": ("upstream_failed", 0),
        "gold": ("upstream_failed", 0),
        "export": ("upstream_failed", 0),
    }
    ((dag_id, run_id, task_id, kind, message),) = _notifications(scratch_pg)
    assert (dag_id, run_id, task_id, kind) == (MEDALLION, dr.run_id, "bronze", "task_failure")
    # spark-submit found no jar, so no job ran to print an error line
    assert message.startswith(
        "task bronze failed after 3 attempt(s): the job printed no error "
        "line (see the task log) | exit 1 = unexpected failure"
    )
    assert "Cannot execute: spark-submit" in message
    assert f"{tmp_path}/no-jars/altaviz-bronze.jar" in message
    assert "| exit 1 = unexpected failure" in message
