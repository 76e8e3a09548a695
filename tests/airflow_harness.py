"""Real Airflow (from .venv) for the DAG tests, isolated from any local installation.

Importing this module gives the test session its own AIRFLOW_HOME (a temp dir with a SQLite
metadata database), with our dags/ folder and no examples. It must run before anything imports
``airflow``: Airflow reads its configuration once, at import. test_dags.py and test_dag_e2e.py
import it first; fixtures and helpers shared by them live here, not in conftest.py, which every
test module loads.

``recording_secrets.RecordingSecretsBackend`` is configured as Airflow's secrets backend: it
sees every connection and variable lookup first, so a test can prove that parsing the DAG files
looks none up (``LOOKUPS``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAGS = ROOT / "dags"
BUNDLE = "dags-folder"  # name of Airflow's default bundle for [core] dags_folder

if "airflow" in sys.modules:
    raise RuntimeError("airflow was imported before tests/airflow_harness.py configured it")

HOME = Path(tempfile.mkdtemp(prefix="altaviz-airflow-home-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{HOME}/airflow.db",
    }
)
# A developer shell may carry connections of its own; the tests define theirs explicitly.
for _name in [k for k in os.environ if k.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_"))]:
    del os.environ[_name]

import airflow  # noqa: E402,F401  (configured by the settings above)
from recording_secrets import LOOKUPS  # noqa: E402,F401  (after the settings; re-exported as h.LOOKUPS)

# Set once Airflow is imported (the backend module imports Airflow itself); Airflow builds its
# backend list per lookup until a custom backend appears, so this one is picked up from now on.
os.environ["AIRFLOW__SECRETS__BACKEND"] = "recording_secrets.RecordingSecretsBackend"

_db_ready = False


def init_db() -> Path:
    """Creates the metadata tables once per session (what `airflow db migrate` does)."""
    global _db_ready
    if not _db_ready:
        from airflow.utils import db

        db.initdb()
        _db_ready = True
    return HOME


def parse_dags():
    """The DAG folder as the DAG processor parses it (bundle path on sys.path, .airflowignore),
    reading the current environment. The processor parses each file in a fresh process; here the
    DAG folder's helper modules are dropped from sys.modules so they are imported afresh too."""
    from airflow.dag_processing.dagbag import BundleDagBag

    for helper in [p.stem for p in DAGS.glob("*.py")]:
        sys.modules.pop(helper, None)

    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS, bundle_name=BUNDLE)


def run_day(dag, day: date, conf: dict | None = None):
    """``dag.test()`` of the run that processes UTC day ``day``; returns the finished DagRun.

    dag.test() creates a *manual* run, and Airflow gives a manual run of an interval timetable
    the last complete interval before its logical date: logical date D+1 processes day D. (A
    scheduled or backfill run of day D has logical date D; see test_dags.py.)
    """
    logical = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
    # Airflow 3.3.2's dag.test() crashes when a run of a DAG with a deadline succeeds
    # (apache/airflow#73428); the alert only matters to the scheduler, so test without it.
    dag.deadline = None
    dr = dag.test(logical_date=logical, run_conf=conf)
    assert (dr.data_interval_start, dr.data_interval_end) == (logical - timedelta(days=1), logical)
    return dr


def task_states(dr) -> dict[str, tuple[str, int]]:
    """task_id -> (state, try_number) of a finished run, read back from the metadata DB."""
    from airflow.utils.session import create_session

    with create_session() as session:
        return {
            ti.task_id: (str(ti.state), ti.try_number)
            for ti in dr.get_task_instances(session=session)
        }


def spark_env() -> dict[str, str]:
    """What airflow/standalone.sh exports for the Spark tasks: spark-submit of .venv's pyspark
    on PATH (the provider runs `spark-submit` from PATH) and the local master connection."""
    spark_home = next((ROOT / ".venv" / "lib").glob("python3*/site-packages/pyspark"))
    return {
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "SPARK_HOME": str(spark_home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "AIRFLOW_CONN_SPARK_DEFAULT": '{"conn_type": "spark", "host": "local[2]"}',
    }


def pg_admin_settings() -> dict[str, str]:
    from conftest import pg_settings

    return pg_settings()


def pg_connect(dbname: str):
    import psycopg2

    s = pg_admin_settings()
    conn = psycopg2.connect(
        host=s["ALTAVIZ_PG_HOST"],
        port=s["ALTAVIZ_PG_PORT"],
        user=s["ALTAVIZ_PG_USER"],
        dbname=dbname,
        password=s.get("ALTAVIZ_PG_PASSWORD"),
    )
    conn.autocommit = True
    return conn


@contextmanager
def scratch_database():
    """A fresh PostgreSQL database on the project's server (scripts/pg.sh), dropped afterwards.
    Yields the ALTAVIZ_PG_* settings plus AIRFLOW_CONN_ALTAVIZ_POSTGRES pointing at it."""
    s = pg_admin_settings()
    name = f"altaviz_dagtest_{uuid.uuid4().hex[:10]}"
    admin = pg_connect("postgres")
    try:
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name}")
        password = s.get("ALTAVIZ_PG_PASSWORD")
        auth = f"{s['ALTAVIZ_PG_USER']}:{password}" if password else s["ALTAVIZ_PG_USER"]
        yield {
            **s,
            "ALTAVIZ_PG_DB": name,
            "AIRFLOW_CONN_ALTAVIZ_POSTGRES": f"postgresql://{auth}@{s['ALTAVIZ_PG_HOST']}:{s['ALTAVIZ_PG_PORT']}/{name}",
        }
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def query(dbname: str, sql: str, params=None) -> list[tuple]:
    conn = pg_connect(dbname)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()
